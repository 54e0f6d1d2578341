"""Rendered catalog output (listing grids, search results, product parts, page bodies, API pages)
kept in the shared cache, so that a busy listing is rendered once rather than on every view.

Every key carries the catalog's version (`catalog.versions`), which changes whenever what these
fragments show may have changed. What shows products' stock (sold-out badges, the size picker)
is checked against the stock versions of the products it shows (`cached_for_products`), so that
a sale makes afresh only what shows the product sold. Entries are never deleted, only no longer
asked for: they expire after `SECONDS`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

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


def fragment_key(
    kind: str, request, *parts, version: Callable[[object], str] = versions.current
) -> str:
    """A key for `kind` of fragment that depends on `parts` (reprs of plain values) and on a
    version of the catalog: by default the catalog's and its stock's (`versions.current`);
    `versions.catalog` for what is checked per product (`cached_for_products`),
    `versions.available` for what depends on which products are in stock."""
    digest = hashlib.sha256(repr((version(request), *parts)).encode()).hexdigest()
    return f"fragment:{kind}:{digest[:40]}"


class ShowsProducts(Protocol):
    # The products whose stock it shows, with their stock versions read before their stock was.
    stock_versions: dict[int, str]


S = TypeVar("S", bound=ShowsProducts)


def cached_for_products(
    key: str, make: Callable[[], S], seconds: int = SECONDS, *, keep: Callable[[S], bool]
) -> S:
    """`cached`, for what shows the stock of its products: what is found is used only while
    the stock versions of the products it shows are those it was made with (one round trip),
    and is made afresh otherwise."""
    found = cache.get(key)
    if found is not None and versions.products(found.stock_versions) == found.stock_versions:
        return found
    made = make()
    if keep(made):
        cache.set(key, made, seconds)
    return made


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
