"""Rendered catalog output (listing grids, search results, product parts, page bodies, API pages)
kept in the shared cache, so that a busy listing is rendered once rather than on every view.

Every key carries the catalog's version (`catalog.versions`), which changes whenever what these
fragments show may have changed. Entries are never deleted, only no longer asked for: they
expire after `SECONDS`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from . import versions

SECONDS = 10 * 60

T = TypeVar("T")


def fragment_key(kind: str, request, *parts) -> str:
    """A key for `kind` of fragment that depends on `parts` (reprs of plain values) and on the
    catalog's version."""
    digest = hashlib.sha256(repr((versions.current(request), *parts)).encode()).hexdigest()
    return f"fragment:{kind}:{digest[:40]}"


def cached(key: str, make: Callable[[], T], seconds: int = SECONDS) -> T:
    """What is cached under `key`, made and stored first when there is nothing yet."""
    found = cache.get(key)
    if found is None:
        found = make()
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


def canonical_query(query) -> tuple:
    """A QueryDict as a sorted tuple, so that the order of parameters makes no new key."""
    return tuple(sorted((name, tuple(sorted(values))) for name, values in query.lists()))
