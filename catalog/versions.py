"""The catalog's cache versions: what every cached piece of catalog output is keyed on.

- The catalog version changes when what shoppers can see of the catalog changes: a page is
  published, unpublished, moved or deleted, or a size, colour or size guide is saved or deleted
  (`catalog.signals`).
- The stock version changes after every stock move commits (`catalog.stock`), so "sold out"
  badges and in-stock filters are never behind a sale.

A version lives until it is bumped: it is stored without expiry (and the production Redis evicts
only keys that expire, deploy/README.md). If Redis loses it anyway, the next read makes a new
one, which only means that the fragments are made afresh. Old fragments are never deleted, only
no longer asked for, and expire on their own.
"""

from __future__ import annotations

import uuid

from django.core.cache import caches
from django.db import transaction
from django.utils.connection import ConnectionProxy

# In the cache that may evict (Django's default cache holds the limits' counters): versions have
# no expiry, and that Redis evicts only what expires.
cache = ConnectionProxy(caches, "pages")

CATALOG_KEY = "catalog:version"
STOCK_KEY = "catalog:stock-version"


def new_version() -> str:
    return uuid.uuid4().hex


def read(*keys: str) -> list[str]:
    """The versions under `keys`, in one round trip; a missing one is made now. While Redis is
    down every read is a new version, so nothing stale can be served from a cache."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, new_version(), None)
            found[key] = cache.get(key) or new_version()
    return [found[key] for key in keys]


def current(request=None) -> str:
    """The catalog's version and its stock's, as one string; kept on the request, so that one
    page reads them once."""
    if request is not None and hasattr(request, "_catalog_version"):
        return request._catalog_version
    version = ".".join(read(CATALOG_KEY, STOCK_KEY))
    if request is not None:
        request._catalog_version = version
    return version


def bump(key: str) -> None:
    """A new version under `key` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: cache.set(key, new_version(), None))


def catalog_changed() -> None:
    bump(CATALOG_KEY)


def stock_changed() -> None:
    """Call in the transaction that moved stock."""
    bump(STOCK_KEY)
