"""Purging a stock move's pages from Nginx's cache (the rules are in `storefront.purge`): the
product pages of the moved variants, and the listings above a product whose variant went from
none to some or from some to none. A sale that leaves pieces on the shelf changes no listing:
purging the listings on every order would empty the cache of the busiest pages every few seconds
on sale day."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from storefront.purge import AGAIN_AFTER, page_paths, purge_paths, with_ancestors

from .models import ProductPage

logger = logging.getLogger(__name__)


def purge_stock_on_commit(*, before: dict[int, int], after: dict[int, int]) -> None:
    """Call in the transaction that moved stock, with the moved variants' stock before and after
    (variant id → pieces)."""
    if not settings.WAGTAILFRONTENDCACHE or not after:
        return
    crossed = sorted(pk for pk, stock in after.items() if (stock > 0) != (before.get(pk, 0) > 0))
    moved = sorted(after)
    transaction.on_commit(lambda: _queue_stock(moved, crossed))


def _queue_stock(moved: list[int], crossed: list[int]) -> None:
    try:
        purge_stock.delay(moved, crossed)
        purge_stock.apply_async((moved, crossed), countdown=AGAIN_AFTER)
    except Exception:
        logger.warning("Could not queue the purge of variants %s", moved, exc_info=True)


@shared_task(ignore_result=True)
def purge_stock(moved: list[int], crossed: list[int]) -> None:
    """The product pages of the `moved` variants, and the listings above those that `crossed`
    zero: worked out here, in the worker, so that an order costs no query for it."""
    paths = set()
    for product in ProductPage.objects.filter(variants__pk__in=moved).distinct():
        if product.variants.filter(pk__in=crossed).exists():
            paths |= with_ancestors(product)
        else:
            paths |= page_paths([product])
    purge_paths(sorted(paths))
