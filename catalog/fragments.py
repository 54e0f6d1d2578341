"""Rendered catalog output (listing grids, search results, product parts, page bodies, API pages)
kept in the shared cache, so that a busy listing is rendered once rather than on every view.

Every key carries the catalog's version (`catalog.versions`), which changes whenever what these
fragments show may have changed. Entries are never deleted, only no longer asked for: they
expire after `SECONDS`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import caches
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.connection import ConnectionProxy
from django.utils.safestring import SafeString, mark_safe

from . import versions

# Fragments can be made again: they live in the cache that may evict (Django's default cache
# holds the limits' counters, see settings.store_caches).
cache = ConnectionProxy(caches, "pages")

SECONDS = 10 * 60

T = TypeVar("T")


def fragment_key(kind: str, request, *parts) -> str:
    """A key for `kind` of fragment that depends on `parts` (reprs of plain values) and on the
    catalog's version."""
    digest = hashlib.sha256(repr((versions.current(request), *parts)).encode()).hexdigest()
    return f"fragment:{kind}:{digest[:40]}"


def cached(
    key: str,
    make: Callable[[], T],
    seconds: int = SECONDS,
    *,
    keep: Callable[[T], bool] = lambda made: True,
) -> T:
    """What is cached under `key`, made and stored first when there is nothing yet; what `keep`
    says no to (a page past the last, a query with errors) is made each time instead, so that
    requests cannot make new entries at will."""
    found = cache.get(key)
    if found is None:
        found = make()
        if keep(found):
            cache.set(key, found, seconds)
    return found


def render_fragment(template: str, context: dict, request) -> SafeString:
    """A template rendered to HTML for caching, with each line's indentation dropped: templates
    indented for reading put a third to a half of a product page's bytes in leading spaces. A
    line break stays where there was one, so no words or inline elements run together (the
    fragments hold no <pre> or <textarea>, where that would show)."""
    html = render_to_string(template, context, request=request)
    return mark_safe(LEADING_SPACE.sub("\n", html))  # noqa: S308 - rendered by the template engine


LEADING_SPACE = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


def understood(query: QueryDict, names: Iterable[str]) -> QueryDict:
    """The parameters of `query` named in `names`, without empty values, in one order (by name,
    then value), and with `page` as a plain number (dropped when it is 1 or not a number).

    Fragments are keyed on this and rendered from it, never from the raw query string: a stray
    parameter (`?z=123`, `utm_source`), another order or a spelling of the same page makes no
    new entry in the cache, and no link in a cached fragment carries what a caller added."""
    names = set(names)
    canonical = QueryDict(mutable=True)
    for name in sorted(names & set(query)):
        values = sorted(value for value in query.getlist(name) if value != "")
        if name == "page":
            values = [page] if (page := page_value(values[0] if values else "")) else []
        if values:
            canonical.setlist(name, values)
    return canonical


def page_value(raw: str) -> str:
    """A page number as written in a canonical query: "" for the first page or nonsense (the
    paginators show the first page for both), the number without leading zeros otherwise."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()):
        return ""
    number = int(raw)
    return str(number) if number > 1 else ""


def page_number(query: QueryDict) -> int:
    """The page an `understood` query asks for."""
    return int(query.get("page") or 1)
