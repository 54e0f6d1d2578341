"""The catalog's cache versions: what every cached piece of catalog output is keyed on.

- The catalog version changes when what shoppers can see of the catalog changes: a page is
  published, unpublished, moved or deleted, or a size, colour or size guide is saved or deleted
  (`catalog.signals`).
- Each product has a stock version of its own, changed after every move of its variants'
  stock commits (`catalog.stock`): its page and the listings that show it are made afresh, and
  nothing else. A sale of one dress does not throw away every listing.
- The availability version changes when a variant sells out or comes back: what depends on
  which products are in stock (in-stock filters, product picks) is made afresh then, and not on
  every sale.
- The stock version changes after every stock move commits: for the API's pages, which show
  stock figures.

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
AVAILABILITY_KEY = "catalog:availability-version"
PRODUCT_STOCK_KEY = "catalog:stock-version:{}"


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


def for_request(request) -> dict[str, str]:
    """The global versions, read in one round trip and kept on the request, so that one page
    reads them once."""
    if request is not None and hasattr(request, "_catalog_versions"):
        return request._catalog_versions
    keys = (CATALOG_KEY, STOCK_KEY, AVAILABILITY_KEY)
    found = dict(zip(keys, read(*keys), strict=True))
    if request is not None:
        request._catalog_versions = found
    return found


def catalog(request=None) -> str:
    """The catalog's version alone: for what shows no stock, or validates it per product
    (`products`)."""
    return for_request(request)[CATALOG_KEY]


def available(request=None) -> str:
    """The catalog's version and its availability's, as one string: for what depends on which
    products are in stock."""
    found = for_request(request)
    return f"{found[CATALOG_KEY]}.{found[AVAILABILITY_KEY]}"


def current(request=None) -> str:
    """The catalog's version and its stock's, as one string: for what shows stock figures of
    many products."""
    found = for_request(request)
    return f"{found[CATALOG_KEY]}.{found[STOCK_KEY]}"


def products(product_ids) -> dict[int, str]:
    """The stock versions of these products, in one round trip."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    return dict(zip(ids, read(*(PRODUCT_STOCK_KEY.format(pk) for pk in ids)), strict=True))


def bump(key: str) -> None:
    """A new version under `key` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: cache.set(key, new_version(), None))


def catalog_changed() -> None:
    bump(CATALOG_KEY)


def stock_changed(product_ids=(), *, availability: bool = True) -> None:
    """Call in the transaction that moved the stock of these products' variants, saying whether
    a variant sold out or came back (`availability`). With no products: every product's stock
    may have moved (seeding, a restore), and the catalog's version changes too."""
    ids = sorted(set(product_ids))
    keys = [STOCK_KEY, *(PRODUCT_STOCK_KEY.format(pk) for pk in ids)]
    if availability or not ids:
        keys.append(AVAILABILITY_KEY)
    if not ids:
        keys.append(CATALOG_KEY)
    transaction.on_commit(lambda: cache.set_many({key: new_version() for key in keys}, None))
