"""Money going back to the shopper: refunds made here (by amount, or by line and quantity with
the lines' share of any discount, and the shipping as a line of its own) or in Stripe's
dashboard, recorded once with the status Stripe gives them; only a refund that succeeded counts
as money back. Views, the admin and the webhook only parse input and call these."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.money import format_money, from_minor_units, quantize
from catalog.stock import release
from mail.outbox import send_mail

from . import payments
from .exceptions import CheckoutError
from .models import FulfilmentStatus, Order, OrderLine, PaymentStatus, Refund, RefundLine
from .pricing import ZERO, spread_discount
from .services import order_mail_context

logger = logging.getLogger(__name__)
P, F = PaymentStatus, FulfilmentStatus


class RefundInvalid(CheckoutError):
    """A refund that cannot be made as asked; `field` names what to correct."""

    def __init__(self, message: str, *, field: str | None = None):
        self.field = field
        super().__init__(message)


def refund(
    order_id: int, *, amount: Decimal, restock: dict[int, int] | None = None, key: str, by=None
) -> Refund:
    """Refund part or all of a paid order through Stripe, optionally putting pieces back in
    stock. `key` makes a repeated submission a no-op at Stripe and here. The refund is recorded
    with the status Stripe gives it: only a succeeded one counts as money back."""
    order = Order.objects.get(pk=order_id)
    made = Refund.objects.filter(order=order, key=key).first()
    if made is not None:  # the same form sent again
        return made
    left = left_to_refund(order)
    if amount <= 0 or amount > left:
        raise CheckoutError(
            _("The refund must be more than nothing and at most %(left)s.")
            % {"left": format_money(left, order.currency)}
        )
    result = payments.create_refund(
        payment_intent=order.stripe_payment_intent,
        amount=amount,
        currency=order.currency,
        key=f"refund-{order.number}-{key}",
        order_number=order.number,
    )
    refund = record_refund(result, by=by)
    if refund is not None and not refund.key:
        Refund.objects.filter(pk=refund.pk).update(key=key)
    if restock and refund is not None:
        restock_lines(refund.pk, restock)
    return refund


def left_to_refund(order: Order) -> Decimal:
    """What of the order may still be refunded; RefundInvalid says why nothing may."""
    left = order.refundable_total
    if order.payment_status == P.REFUNDED or (order.is_paid and order.refunded_total and left <= 0):
        raise RefundInvalid(_("This order is refunded in full: there is nothing left to refund."))
    if not order.is_paid:
        raise RefundInvalid(_("Only a paid order can be refunded."))
    if left <= 0:
        raise RefundInvalid(_("Nothing was paid for this order, so there is nothing to refund."))
    return left


def record_refund(result: payments.RefundResult, *, by=None) -> Refund | None:
    """Record a refund of one of our orders, or what became of it, once however many times
    Stripe or the admin report it. A refund counts as money back (the order's refunded total,
    its status and the shopper's mail) when it succeeds, and only then; a failed one is kept and
    shown to staff. Never raises for an event Stripe repeats or sends out of order."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update()
            .filter(stripe_payment_intent=result.payment_intent or "-")
            .first()
        )
        if order is None:
            logger.warning("Refund %s belongs to no order of ours.", result.id)
            return None
        refund, _created = Refund.objects.get_or_create(
            stripe_refund_id=result.id,
            defaults={
                "order": order,
                "amount": from_minor_units(result.amount, order.currency),
                "status": Refund.Status.PENDING,
                "by": by,
            },
        )
        settle_refund(order, refund, result)
    return refund


def settle_refund(order: Order, refund: Refund, result: payments.RefundResult) -> None:
    """Move a recorded refund to what Stripe now says, counting its money when it succeeds."""
    status = result.status if result.status in Refund.Status.values else Refund.Status.PENDING
    if status == refund.status:  # a repeat, or an event that says nothing new
        return
    was = refund.status
    refund.status = status
    refund.failure_reason = result.failure_reason
    if status == Refund.Status.SUCCEEDED:
        count_refund(order, refund)
    elif status in (Refund.Status.FAILED, Refund.Status.CANCELED):
        logger.error(
            "Refund %s of order %s %s at Stripe (%s).",
            refund.stripe_refund_id,
            order.number,
            status,
            result.failure_reason or "no reason given",
        )
        if was == Refund.Status.SUCCEEDED:  # the money came back to us after all
            order.refunded_total -= refund.amount
            order.save(update_fields=["refunded_total", "updated_at"])
        refund.settled_at = timezone.now()
    refund.save(update_fields=["status", "failure_reason", "settled_at"])


def count_refund(order: Order, refund: Refund) -> None:
    """A refund succeeded: it is money back to the shopper, who is told."""
    refund.status = Refund.Status.SUCCEEDED
    refund.settled_at = timezone.now()
    refund.save(update_fields=["status", "settled_at"])
    order.refunded_total += refund.amount
    status = P.REFUNDED if order.refunded_total >= order.total else P.PARTLY_REFUNDED
    if order.can_pay_move(status):
        order.move_payment(
            status, note=_("Refunded %(amount)s.") % {"amount": refund.amount}, by=refund.by
        )
    order.save(update_fields=["refunded_total", "payment_status", "updated_at"])
    send_mail(
        to=order.email,
        template="orders/refunded",
        context={**order_mail_context(order), "amount": refund.amount},
    )


def restock_lines(refund_id: int, quantities: dict[int, int]) -> None:
    """Put refunded pieces back on sale: at most what each line sold and was not restocked yet."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.restocked:
            return
        back = {}
        for line in OrderLine.objects.select_for_update().filter(
            order_id=refund.order_id, pk__in=quantities
        ):
            quantity = max(0, min(quantities[line.pk], line.quantity - line.restocked_quantity))
            if quantity and line.variant_id:
                line.restocked_quantity += quantity
                line.save(update_fields=["restocked_quantity"])
                back[line.variant_id] = back.get(line.variant_id, 0) + quantity
        release(back)
        refund.restocked = bool(back)
        refund.save(update_fields=["restocked"])


def refund_reported(refund: dict) -> None:
    """Webhook (refund.created, refund.updated, refund.failed): a refund made here or in
    Stripe's dashboard, or what became of it."""
    record_refund(payments.RefundResult.of(refund))


def charge_refunded(charge: dict) -> None:
    """Webhook: a charge was refunded, perhaps from Stripe's dashboard. Its event does not list
    the refunds (Stripe API versions since 2022-11-15), so they are asked for; only ours are."""
    intent = charge.get("payment_intent") or ""
    if not Order.objects.filter(stripe_payment_intent=intent or "-").exists():
        logger.warning("Charge %s belongs to no order of ours.", charge.get("id"))
        return
    for result in payments.list_refunds(intent):
        record_refund(result)


# Refunds by line --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineState:
    """What an order line was paid, and what of it may still be refunded and restocked."""

    line: OrderLine
    paid: Decimal  # the line's total less its share of the order's discount
    refunded_quantity: int
    refunded_amount: Decimal

    @property
    def refundable_quantity(self) -> int:
        return self.line.quantity - self.refunded_quantity

    @property
    def unit_paid(self) -> Decimal:
        return quantize(self.paid / self.line.quantity)

    @property
    def restockable_quantity(self) -> int:
        return self.line.quantity - self.line.restocked_quantity

    def amount_for(self, quantity: int) -> Decimal:
        """What the shopper paid for `quantity` more of its pieces: the rest of the line's money
        when they are its last pieces, so that refunding every piece gives back exactly what was
        paid, to the cent."""
        if quantity == self.refundable_quantity:
            return self.paid - self.refunded_amount
        return quantize(self.paid * quantity / self.line.quantity)


@dataclass(frozen=True)
class PlannedLine:
    state: LineState
    quantity: int
    amount: Decimal
    restock: int


@dataclass(frozen=True)
class RefundPlan:
    """A refund as staff confirm it: lines, shipping, or a custom amount, and what goes back on
    sale."""

    order: Order
    lines: list[PlannedLine]
    shipping: Decimal
    custom_amount: Decimal | None
    reason: str = ""

    @property
    def amount(self) -> Decimal:
        if self.custom_amount is not None:
            return self.custom_amount
        return sum((line.amount for line in self.lines), Decimal("0.00")) + self.shipping

    @property
    def restock(self) -> dict[int, int]:
        return {line.state.line.pk: line.restock for line in self.lines if line.restock}


def line_states(order: Order) -> list[LineState]:
    """Each line of the order with what was paid for it and what of it was refunded (refunds that
    failed or were cancelled do not count)."""
    lines = list(order.lines.order_by("pk").prefetch_related("refunds__refund"))
    paid = spread_discount([line.line_total for line in lines], order.discount_total)
    states = []
    for line, line_paid in zip(lines, paid, strict=True):
        counted = [item for item in line.refunds.all() if item.refund.counts]
        states.append(
            LineState(
                line=line,
                paid=line_paid,
                refunded_quantity=sum(item.quantity for item in counted),
                refunded_amount=sum((item.amount for item in counted), Decimal("0.00")),
            )
        )
    return states


def refundable_shipping(order: Order) -> Decimal:
    given_back = sum(
        (refund.shipping_amount for refund in order.refunds.all() if refund.counts),
        Decimal("0.00"),
    )
    return order.shipping_total - given_back


def plan_refund(
    order: Order,
    *,
    quantities: dict[int, int],
    restock: dict[int, int],
    shipping: bool = False,
    custom_amount: Decimal | None = None,
    reason: str = "",
) -> RefundPlan:
    """What refunding these lines' pieces (line id → quantity), the shipping, or a custom amount
    would give back, and what would go back on sale (line id → quantity). Raises RefundInvalid,
    naming the field, when it cannot be done."""
    left = left_to_refund(order)
    planned = []
    for state in line_states(order):
        line = state.line
        quantity = quantities.get(line.pk, 0)
        back = restock.get(line.pk, 0)
        if quantity < 0 or back < 0:
            raise RefundInvalid(_("Quantities cannot be below zero."), field=f"refund-{line.pk}")
        if custom_amount is None and quantity > state.refundable_quantity:
            raise RefundInvalid(
                _("Only %(count)d of %(piece)s can still be refunded.")
                % {"count": state.refundable_quantity, "piece": line_name(line)},
                field=f"refund-{line.pk}",
            )
        if back > state.restockable_quantity:
            raise RefundInvalid(
                _("Only %(count)d of %(piece)s can still go back on sale.")
                % {"count": state.restockable_quantity, "piece": line_name(line)},
                field=f"restock-{line.pk}",
            )
        if quantity or back:
            amount = state.amount_for(quantity) if custom_amount is None and quantity else ZERO
            planned.append(
                PlannedLine(state, quantity if custom_amount is None else 0, amount, back)
            )
    shipping_amount = refundable_shipping(order) if shipping and custom_amount is None else ZERO
    plan = RefundPlan(order, planned, shipping_amount, custom_amount, reason)
    if plan.amount <= 0:
        raise RefundInvalid(
            _("Choose the pieces to refund, the shipping, or an amount of your own.")
        )
    if plan.amount > left:
        raise RefundInvalid(
            _("The refund must be at most %(left)s, what is left to refund.")
            % {"left": format_money(left, order.currency)},
            field="amount" if custom_amount is not None else None,
        )
    return plan


def line_name(line: OrderLine) -> str:
    return f"{line.product_title} ({line.size}, {line.colour})"


def refund_plan(plan: RefundPlan, *, key: str, by=None) -> Refund:
    """Make the planned refund through Stripe, record its lines and shipping, and put the pieces
    it says back on sale. `key` makes the same confirmation sent twice refund once."""
    refund_made = refund(plan.order.pk, amount=plan.amount, key=key, by=by)
    with transaction.atomic():
        refund_made = Refund.objects.select_for_update().get(pk=refund_made.pk)
        if not refund_made.lines.exists() and not refund_made.shipping_amount:
            RefundLine.objects.bulk_create(
                RefundLine(
                    refund=refund_made,
                    order_line=line.state.line,
                    quantity=line.quantity,
                    amount=line.amount,
                )
                for line in plan.lines
                if line.quantity
            )
            refund_made.shipping_amount = plan.shipping
            refund_made.reason = plan.reason[:255]
            refund_made.save(update_fields=["shipping_amount", "reason"])
    if plan.restock:
        restock_lines(refund_made.pk, plan.restock)
    return refund_made
