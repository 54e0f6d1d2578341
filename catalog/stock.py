"""Stock moves. Every change to `ProductVariant.stock` goes through this module.

`stock` is what is left to sell: a checkout reserves pieces by taking them off (under row locks,
so two shoppers can never take the same last piece) and an unpaid order that expires gives them
back. Staff change it by difference (`adjust_stock`, or `adjust_stocks` for many variants at
once), each change recorded once as a `StockMove`.
After any move commits, the cached output that shows the moved products is made afresh
(`versions.stock_changed`: their pages and the listings that show them, and what depends on
which products are in stock only when a variant sold out or came back), the pages that show
those variants are purged from Nginx's cache (`catalog.purge`), and the shoppers waiting for
variants that went from none to some are mailed (`back_in_stock`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from functools import partial

from django.db import transaction
from django.db.models import F

from .models import ProductVariant, StockMove
from .purge import purge_stock_on_commit
from .tasks import queue_back_in_stock
from .versions import stock_changed


class InsufficientStock(Exception):
    def __init__(self, variant: ProductVariant | None, wanted: int):
        self.variant, self.wanted = variant, wanted
        super().__init__(f"{getattr(variant, 'sku', 'unknown variant')}: {wanted} wanted")


def adjust_stock(
    *,
    variant_id: int,
    change: int,
    key: str = "",
    by=None,
    reason: str = StockMove.Reason.EDITED,
    note: str = "",
) -> StockMove | None:
    """A person's change to a variant's stock: add `change` pieces (negative to take away) to
    what is there now, so a sale made while they looked is never overwritten; stock stops at
    zero rather than going below it.

    The move is recorded under `key`, the form's (or the import's) own: asked again with the
    same key, nothing moves and None is returned. Otherwise returns the recorded move."""
    moves = adjust_stocks(
        {variant_id: change},
        key=key or uuid.uuid4().hex,
        by=by,
        reason=reason,
        notes={variant_id: note},
    )
    return moves.get(variant_id)


def adjust_stocks(
    changes: Mapping[int, int],
    *,
    key: str,
    by=None,
    reason: str = StockMove.Reason.EDITED,
    notes: Mapping[int, str] | None = None,
) -> dict[int, StockMove]:
    """`adjust_stock` for many variants at once (variant id → change), all or none, in a few
    queries whatever their number: the rows locked in primary-key order, as checkouts lock
    them. A variant already moved under `key` is left as it is. Returns the moves made, by
    variant id; raises ProductVariant.DoesNotExist, moving nothing, if a variant is gone."""
    notes = notes or {}
    with transaction.atomic():
        # The row locks make a second request with the same key wait, then find the moves.
        rows = list(
            ProductVariant.objects.select_for_update()
            .filter(pk__in=changes)
            .order_by("pk")
            .values_list("pk", "stock", "product_id")
        )
        stock = {pk: count for pk, count, _product in rows}
        products = {pk: product for pk, _count, product in rows}
        if len(stock) < len(changes):
            raise ProductVariant.DoesNotExist(f"No variants {sorted(set(changes) - set(stock))}")
        done = set(
            StockMove.objects.filter(key=key, variant_id__in=stock).values_list(
                "variant_id", flat=True
            )
        )
        moves = []
        for variant_id in sorted(set(stock) - done):
            after = max(stock[variant_id] + changes[variant_id], 0)
            moves.append(
                StockMove(
                    variant_id=variant_id,
                    change=after - stock[variant_id],
                    stock_after=after,
                    reason=reason,
                    key=key,
                    by=by,
                    note=notes.get(variant_id, "")[:255],
                )
            )
        # One UPDATE per figure the stock comes to: a count or a delivery has few of them.
        by_stock: dict[int, list[int]] = {}
        for move in moves:
            by_stock.setdefault(move.stock_after, []).append(move.variant_id)
        for after, variant_ids in sorted(by_stock.items()):
            ProductVariant.objects.filter(pk__in=variant_ids).update(stock=after)
        StockMove.objects.bulk_create(moves)
        if moves:
            after = {move.variant_id: move.stock_after for move in moves}
            stock_changed(
                [products[pk] for pk in after],
                availability=availability_changed(before=stock, after=after),
            )
            purge_stock_on_commit(before=stock, after=after)
            back_in_stock(before=stock, after=after)
    return {move.variant_id: move for move in moves}


def reserve(quantities: Mapping[int, int]) -> dict[int, ProductVariant]:
    """Take the pieces (variant id → quantity), all or none, and return the locked variants.

    Must run inside the caller's transaction. Rows are locked in primary-key order, so two
    checkouts wanting the same variants queue behind each other and never deadlock."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reserve() must run inside a transaction.")
    variants = {
        variant.pk: variant
        for variant in ProductVariant.objects.select_for_update(of=("self",))
        .select_related("product", "size", "colour")
        .filter(pk__in=quantities)
        .order_by("pk")
    }
    for variant_id, quantity in sorted(quantities.items()):
        variant = variants.get(variant_id)
        if variant is None or variant.stock < quantity:
            raise InsufficientStock(variant, quantity)
    before = {pk: variant.stock for pk, variant in variants.items()}
    for variant_id, quantity in sorted(quantities.items()):
        ProductVariant.objects.filter(pk=variant_id).update(stock=F("stock") - quantity)
        variants[variant_id].stock -= quantity
    after = {pk: variant.stock for pk, variant in variants.items()}
    stock_changed(
        [variant.product_id for variant in variants.values()],
        availability=availability_changed(before=before, after=after),
    )
    purge_stock_on_commit(before=before, after=after)
    return variants


def release(quantities: Mapping[int, int]) -> None:
    """Give reserved pieces back: an unpaid order expired or was cancelled, or a refund or a
    return restocks. The rows are locked in primary-key order, as checkouts lock them."""
    quantities = {variant_id: quantity for variant_id, quantity in quantities.items() if quantity}
    with transaction.atomic():
        rows = list(
            ProductVariant.objects.select_for_update()
            .filter(pk__in=quantities)
            .order_by("pk")
            .values_list("pk", "stock", "product_id")
        )
        before = {pk: count for pk, count, _product in rows}
        for variant_id, quantity in sorted(quantities.items()):
            ProductVariant.objects.filter(pk=variant_id).update(stock=F("stock") + quantity)
        after = {pk: stock + quantities[pk] for pk, stock in before.items()}
        stock_changed(
            [product for _pk, _count, product in rows],
            availability=availability_changed(before=before, after=after),
        )
        purge_stock_on_commit(before=before, after=after)
        back_in_stock(before=before, after=after)


def availability_changed(*, before: Mapping[int, int], after: Mapping[int, int]) -> bool:
    """Whether a variant sold out or came back: what in-stock filters and badges depend on."""
    return any((before.get(pk, 0) > 0) != (stock > 0) for pk, stock in after.items())


def back_in_stock(*, before: Mapping[int, int], after: Mapping[int, int]) -> None:
    """Call in the transaction that moved stock, with the variants' stock before and after the
    move, read under their row locks: once it commits, the alerts of those that had none and
    have some again are sent (`catalog.alerts`). Explicit, so that every path that adds stock
    says so here, in this module, rather than in a signal."""
    restocked = [pk for pk, stock in after.items() if stock > 0 and before.get(pk) == 0]
    if restocked:
        transaction.on_commit(partial(queue_back_in_stock, restocked))
