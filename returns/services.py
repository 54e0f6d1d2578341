"""Returns and exchanges, from the shopper's request to the merchandiser's receipt. Views, the
admin and the API only parse input and call these.

- A shopper returns pieces of a shipped order within the return window (RETURN_WINDOW_DAYS
  after it shipped), each line for a refund or for another size or colour of the same product,
  whose pieces are taken from stock at once (so they cannot sell out meanwhile).
- A merchandiser marks pieces received, line by line: they go back on sale; refunded lines are
  refunded through the order's own refund path (checkout.refunds, at what the shopper paid for
  them, and the shipping per the store's setting); exchanged lines become a new order at no
  charge, shipped like any other.
- A return never refunds more than was paid for its lines nor restocks more than was sold, and
  two staff receiving the same pieces at once receive them once (the return's row is locked).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ProductVariant
from catalog.queries import purchasable_variants
from catalog.stock import InsufficientStock, release, reserve
from checkout import refunds
from checkout.exceptions import CheckoutError
from checkout.models import (
    FulfilmentStatus,
    Order,
    OrderLine,
    PaymentStatus,
    ShippingSettings,
)
from mail.outbox import send_mail
from storefront.links import absolute_url

from .models import Outcome, Reason, Return, ReturnLine, ReturnStatus

logger = logging.getLogger(__name__)
R, F = ReturnStatus, FulfilmentStatus


class ReturnInvalid(CheckoutError):
    """A return that cannot be made or received as asked; `field` names what to correct."""

    def __init__(self, message: str, *, field: str | None = None):
        self.field = field
        super().__init__(message)


# What may be returned -------------------------------------------------------------------------


def return_deadline(order: Order) -> datetime | None:
    if order.shipped_at is None:
        return None
    return order.shipped_at + timedelta(days=settings.RETURN_WINDOW_DAYS)


@dataclass(frozen=True)
class ReturnableLine:
    line: OrderLine
    quantity: int  # pieces that may still be returned
    exchanges: list[ProductVariant]  # other sizes and colours of the product, in stock now


def returnable_lines(order: Order) -> list[ReturnableLine]:
    """The order's lines with the pieces that are not in a return already, and what each may
    be exchanged for."""
    returned = dict(
        ReturnLine.objects.filter(order_line__order=order)
        .exclude(ret__status=R.CANCELLED)
        .values("order_line")
        .annotate(total=Sum("quantity"))
        .values_list("order_line", "total")
    )
    lines = list(order.lines.select_related("variant").order_by("pk"))
    products = {line.variant.product_id for line in lines if line.variant_id}
    others: dict[int, list[ProductVariant]] = {}
    for variant in (
        purchasable_variants()
        .filter(product_id__in=products, stock__gt=0)
        .select_related("size", "colour")
        .order_by("colour__sort_order", "size__sort_order")
    ):
        others.setdefault(variant.product_id, []).append(variant)
    return [
        ReturnableLine(
            line=line,
            quantity=line.quantity - returned.get(line.pk, 0),
            exchanges=[
                variant
                for variant in others.get(line.variant.product_id if line.variant_id else 0, [])
                if variant.pk != line.variant_id
            ],
        )
        for line in lines
    ]


def why_not_returnable(order: Order, *, now: datetime | None = None) -> str:
    """Why the order's pieces cannot be returned now, or "" when they can."""
    now = now or timezone.now()
    if order.fulfilment_status not in (F.SHIPPED, F.DELIVERED):
        return _("Pieces can be returned once the order has shipped.")
    if order.payment_status not in (PaymentStatus.PAID, PaymentStatus.PARTLY_REFUNDED):
        return _("This order is refunded in full: there is nothing left to return.")
    deadline = return_deadline(order)
    if deadline is not None and now > deadline:
        return _("The %(days)d days to return this order ended on %(date)s.") % {
            "days": settings.RETURN_WINDOW_DAYS,
            "date": timezone.localtime(deadline).strftime("%-d %B %Y"),
        }
    if not any(item.quantity for item in returnable_lines(order)):
        return _("Every piece of this order is already in a return.")
    return ""


# Asking for a return ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskedLine:
    line_id: int
    quantity: int
    reason: str
    outcome: str
    exchange_variant_id: int | None = None


def request_return(order: Order, *, lines: list[AskedLine]) -> Return:
    """The shopper's return: checked against what may be returned, the exchanges' pieces taken
    from stock, and a mail with the return number and slip. Raises ReturnInvalid, naming the
    field, with nothing saved."""
    asked = [item for item in lines if item.quantity]
    if not asked:
        raise ReturnInvalid(_("Choose at least one piece to return."))
    with transaction.atomic():
        # One return at a time per order: two requests cannot both take the last pieces.
        order = Order.objects.select_for_update().get(pk=order.pk)
        reason = why_not_returnable(order)
        if reason:
            raise ReturnInvalid(reason)
        returnable = {item.line.pk: item for item in returnable_lines(order)}
        held: dict[int, int] = {}
        for item in asked:
            check_asked(item, returnable.get(item.line_id))
            if item.outcome == Outcome.EXCHANGE:
                held[item.exchange_variant_id] = (
                    held.get(item.exchange_variant_id, 0) + item.quantity
                )
        if held:
            try:
                reserve(held)
            except InsufficientStock as error:
                raise ReturnInvalid(
                    _(
                        "%(piece)s has just sold out. Please choose another size or colour, "
                        "or a refund."
                    )
                    % {"piece": variant_name(error.variant)}
                ) from error
        ret = Return.objects.create(order=order)
        ReturnLine.objects.bulk_create(
            ReturnLine(
                ret=ret,
                order_line_id=item.line_id,
                quantity=item.quantity,
                reason=item.reason,
                outcome=item.outcome,
                exchange_variant_id=item.exchange_variant_id
                if item.outcome == Outcome.EXCHANGE
                else None,
                exchange_held=item.outcome == Outcome.EXCHANGE,
            )
            for item in asked
        )
        send_mail(to=order.email, template="returns/requested", context=mail_context(ret))
    return ret


def check_asked(item: AskedLine, returnable: ReturnableLine | None) -> None:
    field = f"quantity-{item.line_id}"
    if returnable is None:
        raise ReturnInvalid(_("That piece is not part of this order."), field=field)
    if item.quantity < 0 or item.quantity > returnable.quantity:
        raise ReturnInvalid(
            _("You can return at most %(count)d of %(piece)s.")
            % {"count": returnable.quantity, "piece": returnable.line.product_title},
            field=field,
        )
    if item.reason not in Reason.values:
        raise ReturnInvalid(
            _("Please tell us why it is coming back."), field=f"reason-{item.line_id}"
        )
    if item.outcome not in Outcome.values:
        raise ReturnInvalid(
            _("Please choose a refund or an exchange."), field=f"outcome-{item.line_id}"
        )
    if item.outcome == Outcome.EXCHANGE and item.exchange_variant_id not in {
        variant.pk for variant in returnable.exchanges
    }:
        raise ReturnInvalid(
            _("Please choose another size or colour of %(piece)s that is in stock, or a refund.")
            % {"piece": returnable.line.product_title},
            field=f"exchange-{item.line_id}",
        )


def variant_name(variant: ProductVariant | None) -> str:
    if variant is None:
        return _("A piece")
    return f"{variant.product.title} ({variant.size.name}, {variant.colour.name})"


def cancel_return(ret: Return, *, by=None) -> Return:
    """A return no piece of which has arrived is called off: the exchanges' pieces go back on
    sale."""
    with transaction.atomic():
        ret = Return.objects.select_for_update().get(pk=ret.pk)
        if not ret.can_cancel:
            raise ReturnInvalid(_("A return whose pieces have arrived cannot be called off."))
        ret.move_to(R.CANCELLED, by=by)
        ret.save(update_fields=["status"])
        release_exchanges(ret)
        send_mail(to=ret.order.email, template="returns/cancelled", context=mail_context(ret))
    return ret


def release_exchanges(ret: Return) -> None:
    back: dict[int, int] = {}
    for line in ret.lines.select_for_update().filter(exchange_held=True):
        back[line.exchange_variant_id] = back.get(line.exchange_variant_id, 0) + line.quantity
        line.exchange_held = False
        line.save(update_fields=["exchange_held"])
    release({pk: quantity for pk, quantity in back.items() if pk})


# Receiving it -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    ret: Return
    received: dict[int, int]  # return line id → pieces received now
    refund: refunds.RefundPlan | None
    exchange_orders: list[Order]


def receive(ret: Return, *, quantities: dict[int, int], by=None) -> Receipt:
    """Pieces of the return arrived (return line id → quantity): they go back on sale, exchanged
    lines become a new order at no charge, and the refunded lines (with the shipping, when the
    store refunds it and the whole order came back) are refunded through Stripe. Two staff
    receiving the same pieces at once receive them once: the return's row is locked, and what
    one received the other finds received."""
    with transaction.atomic():
        ret = Return.objects.select_for_update().get(pk=ret.pk)
        if not ret.waits_for_pieces:
            raise ReturnInvalid(
                _("Return %(number)s waits for no pieces.") % {"number": ret.number}
            )
        lines = {
            line.pk: line for line in ret.lines.select_for_update().select_related("order_line")
        }
        received = {pk: quantity for pk, quantity in quantities.items() if quantity}
        if not received:
            raise ReturnInvalid(_("Enter the pieces that arrived."))
        for pk, quantity in received.items():
            line = lines.get(pk)
            if line is None or quantity < 0 or quantity > line.waiting_quantity:
                raise ReturnInvalid(
                    _("Only %(count)d of %(piece)s are still to come.")
                    % {
                        "count": line.waiting_quantity if line else 0,
                        "piece": line.order_line.product_title if line else "?",
                    },
                    field=f"received-{pk}",
                )
        restock: dict[int, int] = {}
        refund_quantities: dict[int, int] = {}
        exchange_orders = []
        for pk, quantity in received.items():
            line = lines[pk]
            line.received_quantity += quantity
            line.save(update_fields=["received_quantity"])
            restock[line.order_line_id] = restock.get(line.order_line_id, 0) + quantity
            if line.outcome == Outcome.REFUND:
                refund_quantities[line.order_line_id] = (
                    refund_quantities.get(line.order_line_id, 0) + quantity
                )
            else:
                exchange_orders.append(exchange_order(line, quantity, by=by))
        done = all(line.waiting_quantity == 0 for line in lines.values())
        ret.move_to(
            R.RECEIVED if done else R.PARTLY_RECEIVED,
            note=", ".join(
                f"{quantity} × {lines[pk].order_line.product_title}"
                for pk, quantity in received.items()
            ),
            by=by,
        )
        ret.save(update_fields=["status", "received_at"])
        order = Order.objects.select_for_update().get(pk=ret.order_id)
        restock_received(order, restock)
        if every_piece_came_back(order) and order.fulfilment_status != F.RETURNED:
            order.move_fulfilment(F.RETURNED, note=ret.number, by=by)
            order.save(update_fields=["fulfilment_status", "updated_at"])
        plan = refund_plan(order, refund_quantities, reason=ret.number)
        send_mail(
            to=order.email,
            template="returns/received",
            context={
                **mail_context(ret),
                "received": [(lines[pk], quantity) for pk, quantity in received.items()],
                "refund": plan,
                "exchange_orders": exchange_orders,
            },
        )
    if plan is not None:
        key = f"{ret.number}-{ret.status_changes.count()}"
        try:
            refunds.refund_plan(plan, key=key, by=by)
        except CheckoutError:
            # Stripe could not be reached: staff see it on the order, and refund it from there.
            logger.exception("Return %s received, but its refund failed.", ret.number)
            raise
    return Receipt(ret=ret, received=received, refund=plan, exchange_orders=exchange_orders)


def restock_received(order: Order, quantities: dict[int, int]) -> None:
    """Put received pieces back on sale: at most what each line sold and was not restocked."""
    back: dict[int, int] = {}
    for line in OrderLine.objects.select_for_update().filter(order=order, pk__in=quantities):
        quantity = min(quantities[line.pk], line.quantity - line.restocked_quantity)
        if quantity and line.variant_id:
            line.restocked_quantity += quantity
            line.save(update_fields=["restocked_quantity"])
            back[line.variant_id] = back.get(line.variant_id, 0) + quantity
    release(back)


def every_piece_came_back(order: Order) -> bool:
    received = dict(
        ReturnLine.objects.filter(order_line__order=order)
        .exclude(ret__status=R.CANCELLED)
        .values("order_line")
        .annotate(total=Sum("received_quantity"))
        .values_list("order_line", "total")
    )
    return all(received.get(line.pk, 0) >= line.quantity for line in order.lines.all())


def refund_plan(
    order: Order, quantities: dict[int, int], *, reason: str
) -> refunds.RefundPlan | None:
    """The refund of the received pieces, each at what was paid for it and no more than what is
    left to refund of its line, and the shipping when the store refunds it on a whole return."""
    if not quantities:
        return None
    states = {state.line.pk: state for state in refunds.line_states(order)}
    quantities = {
        pk: min(quantity, states[pk].refundable_quantity)
        for pk, quantity in quantities.items()
        if pk in states and states[pk].refundable_quantity
    }
    shipping = (
        ShippingSettings.load().refund_shipping_on_return == ShippingSettings.ReturnShipping.WHOLE
        and every_piece_came_back(order)
        and refunds.refundable_shipping(order) > 0
    )
    if not quantities and not shipping:
        return None
    try:
        return refunds.plan_refund(
            order, quantities=quantities, restock={}, shipping=shipping, reason=reason
        )
    except refunds.RefundInvalid:
        logger.info("Return %s: nothing left to refund on order %s.", reason, order.number)
        return None


def exchange_order(line: ReturnLine, quantity: int, *, by=None) -> Order:
    """The exchange's new order: the size or colour asked for, at no charge, to the same
    address, paid already (there is nothing to pay), to ship like any other. Its pieces were
    taken from stock when the return was asked for."""
    original = line.ret.order
    variant = ProductVariant.objects.select_related("product", "size", "colour").get(
        pk=line.exchange_variant_id
    )
    order = Order.objects.create(
        user=original.user,
        email=original.email,
        currency=original.currency,
        subtotal=0,
        shipping_total=0,
        total=0,
        shipping_method=original.shipping_method,
        shipping_label=_("Exchange for %(number)s") % {"number": line.ret.number},
        **{field: getattr(original, field) for field in SHIPPING_FIELDS},
        stock_released=False,
    )
    OrderLine.objects.create(
        order=order,
        variant=variant,
        product_title=variant.product.title,
        size=variant.size.name,
        colour=variant.colour.name,
        sku=variant.sku,
        unit_price=0,
        quantity=quantity,
        line_total=0,
    )
    order.move_payment(
        PaymentStatus.PAID,
        note=_("Exchange for %(piece)s, return %(number)s.")
        % {"piece": line.order_line.product_title, "number": line.ret.number},
        by=by,
    )
    order.save(update_fields=["payment_status", "paid_at", "updated_at"])
    # Each receipt of exchanged pieces makes an order of its own, to ship at once.
    line.exchange_order = order
    line.exchange_held = False
    line.save(update_fields=["exchange_order", "exchange_held"])
    return order


SHIPPING_FIELDS = (
    "ship_name",
    "ship_line1",
    "ship_line2",
    "ship_city",
    "ship_region",
    "ship_postcode",
    "ship_country",
    "ship_phone",
)


def mail_context(ret: Return) -> dict:
    return {
        "ret": ret,
        "order": ret.order,
        "lines": list(
            ret.lines.select_related(
                "order_line", "exchange_variant__size", "exchange_variant__colour"
            )
        ),
        "slip_url": absolute_url(reverse("returns:detail", args=[ret.number])),
        "order_url": absolute_url(reverse("checkout:order_detail", args=[ret.order.number])),
    }
