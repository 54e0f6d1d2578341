"""Rendered catalog output (listing grids, search results, page bodies) kept in the shared
cache, so that a busy listing is rendered once rather than on every view.

Every key carries the catalog's version, which changes whenever what these fragments show may
have changed:
- the store shell's version, made anew whenever a page is published, unpublished, moved or
  deleted, or a size or colour is saved (see `home.signals`);
- the stock version, made anew after every stock move commits (`catalog.stock` calls
  `stock_changed`), so "sold out" badges and in-stock filters are never behind a sale.

Old entries are never deleted, only no longer asked for: they expire after `SECONDS`, and the
production Redis evicts the least recently used keys when it is full (deploy/README.md).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from home.store import store_for

SECONDS = 10 * 60
STOCK_KEY = "catalog:stock-version"

T = TypeVar("T")


def stock_version() -> str:
    version = cache.get(STOCK_KEY)
    if version is None:
        cache.add(STOCK_KEY, uuid.uuid4().hex, None)
        version = cache.get(STOCK_KEY)
    return version


def stock_changed() -> None:
    """Call in the transaction that moved stock: once it commits, fragments are made afresh."""
    transaction.on_commit(lambda: cache.set(STOCK_KEY, uuid.uuid4().hex, None))


def catalog_version(request) -> str:
    if not hasattr(request, "_catalog_version"):
        request._catalog_version = f"{store_for(request).version}.{stock_version()}"
    return request._catalog_version


def fragment_key(kind: str, request, *parts) -> str:
    """A key for `kind` of fragment that depends on `parts` (reprs of plain values) and on the
    catalog's version."""
    digest = hashlib.sha256(repr((catalog_version(request), *parts)).encode()).hexdigest()
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
