"""What happens to an order, from the basket to the refund. Views, the webhook, the admin and the
API only parse input and call these.

Money and stock change here and nowhere else: an order is placed and its stock reserved in one
transaction; it is paid (fulfilled) exactly once, whichever of the webhook and the success page
gets there first; an unpaid order that expires or is cancelled gives its stock back exactly once.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Address, mailbox_of
from accounts.services import save_address as save_to_address_book
from catalog.money import from_minor_units, to_minor_units
from catalog.queries import is_public
from catalog.stock import InsufficientStock, release, reserve
from mail.outbox import send_mail

from . import payments
from .basket import BasketContents
from .exceptions import (
    AlreadyPaid,
    BasketNeedsChanges,
    CheckoutError,
    DetailsInvalid,
    EmptyBasket,
    OutOfStock,
    PaymentMismatch,
    PaymentOnItsWay,
    PaymentUnavailable,
    TooManyUnpaidOrders,
)
from .models import (
    Basket,
    BasketLine,
    DiscountCode,
    FulfilmentStatus,
    Order,
    OrderLine,
    Payment,
    PaymentStatus,
)
from .pricing import check_discount, find_discount, shipping_option, totals

logger = logging.getLogger(__name__)
P, F = PaymentStatus, FulfilmentStatus


@dataclass(frozen=True)
class ShippingAddress:
    full_name: str
    line1: str
    city: str
    postcode: str
    country: str
    line2: str = ""
    region: str = ""
    phone: str = ""


@dataclass(frozen=True)
class CheckoutDetails:
    """What the shopper says at checkout. `email` may be empty: a signed-in shopper's receipt
    goes to their account's address whatever they say (see receipt_email)."""

    email: str
    address: ShippingAddress
    shipping_method: str
    discount_code: str = ""


@dataclass(frozen=True)
class StartedCheckout:
    order: Order
    payment_url: str  # where to send the shopper to pay: Stripe Checkout


# Checking out ----------------------------------------------------------------------------------


def check_out(
    *,
    contents: BasketContents,
    details: CheckoutDetails,
    user=None,
    save_address: bool = False,
    client_ip: str | None = None,
) -> StartedCheckout:
    """Checkout, for the HTML page and the API alike: the receipt's address, the basket as the
    shopper saw it, the limit of unpaid orders, the basket's earlier unpaid order given up
    (its Stripe session closed, its stock back), the order, the address book when a signed-in
    shopper asks for it, then the payment at Stripe.

    Raises DetailsInvalid (with the field to correct), EmptyBasket, OutOfStock (of which
    BasketNeedsChanges), TooManyUnpaidOrders, another CheckoutError, or PaymentUnavailable
    (when Stripe cannot be reached to close the earlier session, or to open the new one, in
    which case the new order is cancelled again). Nothing is saved when it raises before the
    payment."""
    email = receipt_email(given=details.email, user=user)
    if not email:
        raise DetailsInvalid(_("An email address is needed for the receipt."), field="email")
    check_ready(contents)
    check_unpaid_orders(user=user, email=email, client_ip=client_ip, basket=contents.basket)
    give_up_earlier_orders(contents.basket)
    details = replace(details, email=email)
    with transaction.atomic():
        order = place_order(basket=contents.basket, details=details, user=user, client_ip=client_ip)
        if save_address and signed_in(user):
            save_to_address_book(address=Address(**asdict(details.address)), user=user)
    return StartedCheckout(order=order, payment_url=start_payment(order))


def check_unpaid_orders(*, user, email: str, client_ip: str | None, basket) -> None:
    """Refuse a new order to whoever already holds MAX_UNPAID_ORDERS orders awaiting payment,
    counted per account, per mailbox and per client address (this basket's own earlier order,
    about to be given up, does not count)."""
    same_customer = Q(mailbox=mailbox_of(email))
    if signed_in(user):
        same_customer |= Q(user=user)
    if client_ip:
        same_customer |= Q(client_ip=client_ip)
    waiting = Order.objects.awaiting_payment().filter(same_customer)
    if basket is not None:
        waiting = waiting.exclude(basket=basket)
    if waiting.count() >= settings.MAX_UNPAID_ORDERS:
        raise TooManyUnpaidOrders(
            _(
                "You already have %(count)d orders waiting for payment. Please pay for one, or "
                "wait until they are released (after %(minutes)d minutes), then try again."
            )
            % {"count": settings.MAX_UNPAID_ORDERS, "minutes": settings.ORDER_RESERVATION_MINUTES}
        )


def give_up_earlier_orders(basket: Basket | None) -> None:
    """Checking out the same basket again replaces its earlier unpaid order: that order's Stripe
    session is closed and its stock given back, so a basket never reserves twice. If the
    earlier order turns out to be paid meanwhile, it is fulfilled and the shopper told."""
    if basket is None:
        return
    for order in Order.objects.filter(basket=basket, payment_status=P.PENDING):
        try:
            settled = cancel_unpaid(order.pk, note=_("Replaced by a new checkout of the basket."))
        except PaymentOnItsWay as error:
            raise AlreadyPaid(
                _(
                    "Your earlier checkout of this basket (order %(number)s) is being paid by "
                    "bank transfer. We will email you as soon as the money arrives."
                )
                % {"number": order.number}
            ) from error
        if settled is not None and settled.is_paid:
            raise AlreadyPaid(
                _(
                    "Your earlier checkout of this basket has just been paid: order %(number)s. "
                    "Its confirmation is on its way."
                )
                % {"number": settled.number}
            )


def signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def receipt_email(*, given: str, user=None) -> str:
    """Where the receipt and the shipping mails go: a signed-in shopper's account address,
    whatever the form or the API call says; otherwise the address given."""
    return user.email if signed_in(user) else given.strip()


def check_ready(contents: BasketContents) -> None:
    """Refuse to check out a basket that is empty, or that has lines the shopper must change
    first (sold out, short, or no longer sold) as they see it now."""
    if not contents.lines:
        raise EmptyBasket()
    if not contents.can_check_out:
        raise BasketNeedsChanges()


# Placing an order ------------------------------------------------------------------------------


def place_order(
    *, basket: Basket | None, details: CheckoutDetails, user=None, client_ip: str | None = None
) -> Order:
    """Reserve the basket's stock and write the order, with every price read from the catalog
    now, in one transaction. Raises EmptyBasket, OutOfStock, DiscountInvalid or CheckoutError
    with a message for the shopper; nothing is saved then."""
    with transaction.atomic():
        lines = list(basket.lines.all()) if basket is not None else []
        if not lines:
            raise EmptyBasket()
        try:
            variants = reserve({line.variant_id: line.quantity for line in lines})
        except InsufficientStock as error:
            raise OutOfStock(out_of_stock_message(error)) from error
        for variant in variants.values():
            if not (variant.product.live and is_public(variant.product)):
                raise OutOfStock(
                    _("%(product)s is no longer sold.") % {"product": variant.product.title}
                )

        subtotal = sum(
            (variants[line.variant_id].unit_price * line.quantity for line in lines),
            Decimal("0.00"),
        )
        discount = None
        if details.discount_code:
            discount = find_discount(details.discount_code)
            # Locked, so that two orders cannot both take the last use of a limited code.
            discount = DiscountCode.objects.select_for_update().get(pk=discount.pk)
            check_discount(discount, subtotal=subtotal, email=details.email, user=user)
        order_totals = totals(
            subtotal=subtotal, discount=discount, shipping_code=details.shipping_method
        )
        option = shipping_option(details.shipping_method, subtotal - order_totals.discount)
        address = details.address
        order = Order.objects.create(
            user=user if signed_in(user) else None,
            email=details.email.strip().lower(),
            currency=settings.STORE_CURRENCY,
            subtotal=order_totals.subtotal,
            discount_total=order_totals.discount,
            shipping_total=order_totals.shipping,
            total=order_totals.total,
            shipping_method=option.code,
            shipping_label=option.label,
            discount_code=discount,
            discount_code_text=discount.code if discount else "",
            ship_name=address.full_name,
            ship_line1=address.line1,
            ship_line2=address.line2,
            ship_city=address.city,
            ship_region=address.region,
            ship_postcode=address.postcode,
            ship_country=address.country,
            ship_phone=address.phone,
            basket=basket,
            client_ip=client_ip or None,
            expires_at=timezone.now() + reservation_time(),
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                variant=variants[line.variant_id],
                product_title=variants[line.variant_id].product.title,
                size=variants[line.variant_id].size.name,
                colour=variants[line.variant_id].colour.name,
                sku=variants[line.variant_id].sku,
                unit_price=variants[line.variant_id].unit_price,
                quantity=line.quantity,
                line_total=variants[line.variant_id].unit_price * line.quantity,
            )
            for line in lines
        )
    return order


def out_of_stock_message(error: InsufficientStock) -> str:
    variant = error.variant
    if variant is None:
        return _("A piece in your basket is no longer sold. Please remove it to continue.")
    args = {
        "product": variant.product.title,
        "size": variant.size.name,
        "colour": variant.colour.name,
        "count": variant.stock,
    }
    if variant.stock == 0:
        return (
            _(
                "%(product)s in %(size)s, %(colour)s has just sold out. "
                "Please remove it to continue."
            )
            % args
        )
    return (
        _(
            "Only %(count)d of %(product)s in %(size)s, %(colour)s are left. "
            "Please lower the quantity."
        )
        % args
    )


def start_payment(order: Order) -> str:
    """Open the Stripe Checkout Session and return where to send the shopper. If Stripe cannot
    be reached, the order is cancelled and its stock given back before the error goes up."""
    try:
        session = payments.create_checkout_session(order)
    except PaymentUnavailable:
        abandon(order.pk, to=P.CANCELLED, note=_("The payment could not be started."))
        raise
    Order.objects.filter(pk=order.pk).update(stripe_session_id=session.id)
    return session.url


def reservation_time() -> timedelta:
    """How long an unpaid order holds its stock (ORDER_RESERVATION_MINUTES)."""
    return timedelta(minutes=settings.ORDER_RESERVATION_MINUTES)


def abandon(order_id: int, *, to: str, note: str, by=None) -> Order:
    """An unpaid order expires or is cancelled: its stock goes back, once."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.payment_status != P.PENDING:
            return order
        order.move_payment(to, note=note, by=by)
        if not order.stock_released:
            release(
                {line.variant_id: line.quantity for line in order.lines.all() if line.variant_id}
            )
            order.stock_released = True
        order.client_ip = None  # kept only while the order counts against the limit
        order.save(update_fields=["payment_status", "stock_released", "client_ip", "updated_at"])
    return order


# Being paid -----------------------------------------------------------------------------------


def order_for_session(session_id: str) -> Order | None:
    """Our order for a Stripe Checkout Session id, looked up here, without asking Stripe."""
    if not session_id:
        return None
    return Order.objects.filter(stripe_session_id=session_id).first()


def fulfil(session_id: str, *, order_number: str = "") -> Order | None:
    """The one way an order becomes paid, from the webhook and from the success page alike:
    ask Stripe about the session, check it was paid in full in our currency, then mark the
    order paid once, keep the reserved stock sold, empty the basket of what was bought and
    queue the confirmation mail. Returns the order (paid or not yet), or None if it is not ours.

    Stripe is asked only about a session that is one of our orders' (by its id, or by
    `order_number`, which a webhook event carries, for an order whose session id was never
    saved): a stranger's session id costs no call."""
    ours = Q(stripe_session_id=session_id)
    if order_number:
        ours |= Q(number=order_number, stripe_session_id=None)
    if not session_id or not Order.objects.filter(ours).exists():
        logger.warning("Stripe session %s belongs to no order.", session_id)
        return None
    session = payments.retrieve_session(session_id)
    with transaction.atomic():
        order = (
            Order.objects.select_for_update()
            .filter(
                Q(stripe_session_id=session.id)
                | Q(number=session.order_number, stripe_session_id=None)
            )
            .first()
        )
        if order is None:
            logger.warning("Stripe session %s belongs to no order.", session.id)
            return None
        if session.payment_status != "paid" or order.payment_status != P.PENDING:
            if session.payment_status == "paid" and order.payment_status in (
                P.EXPIRED,
                P.CANCELLED,
            ):
                logger.error(
                    "Order %s was paid after it was %s: refund or re-reserve by hand.",
                    order.number,
                    order.payment_status,
                )
            return order
        expected = to_minor_units(order.total, order.currency)
        if session.amount_total != expected or session.currency != order.currency:
            logger.error(
                "Order %s: Stripe says %s %s was paid, the order asks for %s %s.",
                order.number,
                session.amount_total,
                session.currency,
                expected,
                order.currency,
            )
            raise PaymentMismatch(_("The payment does not match the order."))
        order.move_payment(P.PAID, note=_("Paid through Stripe."))
        order.stripe_session_id = session.id
        order.stripe_payment_intent = session.payment_intent
        order.client_ip = None  # kept only while the order counts against the limit
        order.save(
            update_fields=[
                "payment_status",
                "paid_at",
                "stripe_session_id",
                "stripe_payment_intent",
                "client_ip",
                "updated_at",
            ]
        )
        Payment.objects.create(
            order=order,
            stripe_session_id=session.id,
            stripe_payment_intent=session.payment_intent,
            amount=from_minor_units(session.amount_total, session.currency),
            currency=session.currency,
        )
        take_bought_lines_out_of_basket(order)
        send_mail(to=order.email, template="orders/confirmation", context=order_mail_context(order))
    return order


def take_bought_lines_out_of_basket(order: Order) -> None:
    if order.basket_id is None:
        return
    bought = {line.variant_id: line.quantity for line in order.lines.all()}
    for line in BasketLine.objects.select_for_update().filter(
        basket_id=order.basket_id, variant_id__in=bought
    ):
        left = line.quantity - bought[line.variant_id]
        if left > 0:
            line.quantity = left
            line.save(update_fields=["quantity"])
        else:
            line.delete()


def payment_failed(session_id: str) -> Order | None:
    order = Order.objects.filter(stripe_session_id=session_id).first()
    if order is None:
        return None
    return abandon(order.pk, to=P.CANCELLED, note=_("The payment failed."))


def session_expired(session_id: str) -> Order | None:
    order = Order.objects.filter(stripe_session_id=session_id).first()
    if order is None:
        return None
    return abandon(order.pk, to=P.EXPIRED, note=_("The payment was not made in time."))


def reconcile_pending(*, grace: timedelta = timedelta(minutes=2)) -> dict[str, int]:
    """Beat: settle unpaid orders past their reservation, whose webhook was lost. Orders that
    never got a Stripe session go first (nothing to ask). Each order is settled on its own: one
    that fails (Stripe unreachable, a session Stripe does not know) is logged, counted and
    tried again next run, and the others are settled all the same."""
    overdue = Order.objects.filter(
        payment_status=P.PENDING, expires_at__lt=timezone.now() - grace
    ).order_by("created_at")
    outcome = {"paid": 0, "expired": 0, "waiting": 0, "failed": 0}
    for order in [
        *overdue.filter(stripe_session_id=None),
        *overdue.exclude(stripe_session_id=None),
    ]:
        try:
            outcome[settle_overdue(order)] += 1
        except Exception:  # one order's trouble must not stop the others'
            logger.exception("Could not settle order %s; the next run tries again.", order.number)
            outcome["failed"] += 1
    return outcome


def settle_overdue(order: Order) -> str:
    """Settle one unpaid order past its time by what Stripe says: "paid", "expired", or
    "waiting" (a bank transfer on its way)."""
    if order.stripe_session_id is None:
        abandon(order.pk, to=P.CANCELLED, note=_("The payment was never started."))
        return "expired"
    session = payments.retrieve_session(order.stripe_session_id)
    if session.status == "open":
        session = payments.expire_session(session.id)
    if session.payment_status == "paid":
        fulfil(session.id)
        return "paid"
    if session.status == "expired":
        session_expired(session.id)
        return "expired"
    return "waiting"  # complete but unpaid: a bank transfer still on its way


# After the sale ---------------------------------------------------------------------------------


def mark_shipped(order_id: int, *, tracking_number: str, by=None) -> Order:
    """The order's pieces are on their way: its fulfilment moves to shipped, once, and the
    shopper is told, once. Refused unless the order `can_ship` (paid, whatever part of it was
    refunded, and not shipped yet)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.fulfilment_status != F.UNFULFILLED:
            raise CheckoutError(
                _("Order %(number)s is already marked shipped; the shopper was told then.")
                % {"number": order.number}
            )
        if not order.can_ship:
            raise CheckoutError(
                _("Only a paid order is shipped; order %(number)s is %(payment)s.")
                % {"number": order.number, "payment": order.get_payment_status_display().lower()}
            )
        order.move_fulfilment(
            F.SHIPPED, note=_("Tracking number: %(number)s") % {"number": tracking_number}, by=by
        )
        order.tracking_number = tracking_number
        order.save(
            update_fields=["fulfilment_status", "shipped_at", "tracking_number", "updated_at"]
        )
        send_mail(to=order.email, template="orders/shipped", context=order_mail_context(order))
    return order


def cancel_unpaid(order_id: int, *, by=None, note: str = "") -> Order:
    """Cancel an order that was not paid: close its Stripe session first, so it cannot be paid
    afterwards. If it turns out to have been paid meanwhile, it is fulfilled instead; if the
    shopper paid by bank transfer and the money is on its way, it is refused (PaymentOnItsWay)."""
    order = Order.objects.get(pk=order_id)
    if not order.can_cancel:
        raise CheckoutError(
            _("Only an order awaiting payment can be cancelled; refund a paid one.")
        )
    if order.stripe_session_id:
        session = payments.expire_session(order.stripe_session_id)
        if session.payment_status == "paid":
            return fulfil(session.id)
        if session.status == "complete":
            raise PaymentOnItsWay(
                _(
                    "The shopper has paid by bank transfer and the money is on its way: the "
                    "order is cancelled by itself if the payment fails, and can be refunded "
                    "once it arrives."
                )
            )
    return abandon(order.pk, to=P.CANCELLED, note=note or _("Cancelled by the shop."), by=by)


# Accounts and orders ----------------------------------------------------------------------------


def attach_guest_orders(*, user, email: str) -> int:
    """A guest's orders join the account that has confirmed the same address."""
    return Order.objects.filter(user=None, email__iexact=email).update(user=user)


def anonymise_orders(*, user) -> None:
    """Keep a deleted account's orders for the books, without anything that names the person."""
    for order in Order.objects.filter(user=user):
        order.user = None
        order.email = f"deleted-{order.number.lower()}@invalid.example"
        order.ship_name = _("Deleted customer")
        order.ship_line1 = order.ship_line2 = order.ship_region = order.ship_phone = ""
        order.ship_city = order.ship_postcode = ""
        order.save()


def order_mail_context(order: Order) -> dict:
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "order_url": settings.SITE_URL + order_url(order),
    }


def order_url(order: Order) -> str:
    from django.urls import reverse

    return reverse("checkout:order_detail", args=[order.number])
