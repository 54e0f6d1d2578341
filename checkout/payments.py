"""The store's one conversation with Stripe: Checkout Sessions, refunds and webhook signatures.
No other module imports the SDK; everything else sees the plain values and exceptions below.

STRIPE_API_BASE points the SDK at another Stripe-compatible server (the local stand-in in tests
and `make run`); the code path is the same as with Stripe itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.money import to_minor_units

from .exceptions import InvalidWebhook, PaymentUnavailable
from .pricing import spread_discount

logger = logging.getLogger(__name__)

# Stripe keeps a Checkout Session open for 30 minutes at least, counted from when it receives
# the request; a little slack keeps us above it.
SHORTEST_SESSION = timedelta(minutes=30)
LIFETIME_SLACK = timedelta(seconds=30)
WEBHOOK_TOLERANCE = 300  # seconds: older signatures are refused as replays
UNAVAILABLE = _(
    "We could not reach our payment provider just now. Nothing was charged and your basket is as "
    "you left it: please try again in a minute."
)


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str | None
    status: str  # open, complete, expired
    payment_status: str  # paid, unpaid, no_payment_required
    amount_total: int
    currency: str
    order_number: str
    payment_intent: str
    expires_at: datetime


@dataclass(frozen=True)
class RefundResult:
    id: str
    amount: int  # in minor units
    status: str  # pending, succeeded, failed, canceled (or requires_action)
    payment_intent: str = ""
    failure_reason: str = ""

    @classmethod
    def of(cls, refund) -> RefundResult:
        """From the SDK's object or an event's plain dict."""
        if isinstance(refund, stripe.StripeObject):
            refund = refund.to_dict()
        return cls(
            id=refund["id"],
            amount=refund["amount"],
            status=refund.get("status") or "succeeded",
            payment_intent=refund.get("payment_intent") or "",
            failure_reason=refund.get("failure_reason") or "",
        )


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    object: dict


# Seconds to connect to Stripe, and to wait for its answer. One try only: a second one after a
# 15 s wait would keep the shopper past Nginx's 30 s (proxy_read_timeout), who would get its bare
# 504 instead of our page. The shopper's next click, Stripe's webhook retries and the
# reconciliation are the retries.
STRIPE_TIMEOUT = (3, 15)


def client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base,
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=STRIPE_TIMEOUT),
    )


@dataclass(frozen=True)
class SoldLine:
    """An order line as Stripe is told of it."""

    name: str
    sku: str
    quantity: int
    total: Decimal


def stripe_line_items(lines: list[SoldLine], *, discount: Decimal, currency: str) -> list[dict]:
    """Lines as Stripe line items. A discount is spread over the lines to the cent (none below
    zero); a line whose discounted total does not divide by its quantity becomes two items (n
    at the base price, the rest a cent dearer), so Stripe's total is exactly ours."""
    discounted = spread_discount([line.total for line in lines], discount)
    items = []
    for line, total in zip(lines, discounted, strict=True):
        minor = to_minor_units(total, currency)
        base, extra = divmod(minor, line.quantity)
        for quantity, unit in ((line.quantity - extra, base), (extra, base + 1)):
            if quantity:
                items.append(
                    {
                        "quantity": quantity,
                        "price_data": {
                            "currency": currency,
                            "unit_amount": unit,
                            "product_data": {"name": line.name, "metadata": {"sku": line.sku}},
                        },
                    }
                )
    return items


def line_items(order) -> list[dict]:
    """The order's lines as Stripe line items, priced from the order's snapshot."""
    return stripe_line_items(
        [
            SoldLine(
                name=f"{line.product_title} – {line.size}, {line.colour}",
                sku=line.sku,
                quantity=line.quantity,
                total=line.line_total,
            )
            for line in order.lines.all()
        ],
        discount=order.discount_total,
        currency=order.currency,
    )


def create_checkout_session(order) -> CheckoutSession:
    """Start paying for `order`. The idempotency key is the order's, so a retried request can
    never open a second session (or take a second payment) for it."""
    # Open as long as the order holds its stock (or Stripe's shortest session, if that is longer:
    # the reconciliation closes it when the reservation ends).
    earliest = timezone.now() + SHORTEST_SESSION
    expires_at = max(order.expires_at or earliest, earliest) + LIFETIME_SLACK
    success = settings.SITE_URL + reverse("checkout:success") + "?session_id={CHECKOUT_SESSION_ID}"
    cancel = settings.SITE_URL + reverse("checkout:cancel") + f"?order={order.number}"
    params = {
        "mode": "payment",
        "line_items": line_items(order),
        "customer_email": order.email,
        "client_reference_id": order.number,
        "metadata": {"order_number": order.number},
        "payment_intent_data": {"metadata": {"order_number": order.number}},
        "expires_at": int(expires_at.timestamp()),
        "success_url": success,
        "cancel_url": cancel,
    }
    if order.shipping_total:
        params["shipping_options"] = [
            {
                "shipping_rate_data": {
                    "type": "fixed_amount",
                    "display_name": order.shipping_label,
                    "fixed_amount": {
                        "amount": to_minor_units(order.shipping_total, order.currency),
                        "currency": order.currency,
                    },
                }
            }
        ]
    try:
        session = client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": f"checkout-session-{order.number}"}
        )
    except stripe.StripeError as error:
        logger.warning("Stripe refused or missed the session for order %s: %s", order.number, error)
        raise PaymentUnavailable(UNAVAILABLE) from error
    return as_session(session)


def retrieve_session(session_id: str) -> CheckoutSession:
    try:
        session = client().v1.checkout.sessions.retrieve(session_id)
    except stripe.StripeError as error:
        raise PaymentUnavailable(UNAVAILABLE) from error
    return as_session(session)


def expire_session(session_id: str) -> CheckoutSession:
    """Close an open session so it can no longer be paid; an already closed one is returned
    as it is."""
    try:
        return as_session(client().v1.checkout.sessions.expire(session_id))
    except stripe.InvalidRequestError:
        return retrieve_session(session_id)
    except stripe.StripeError as error:
        raise PaymentUnavailable(UNAVAILABLE) from error


def create_refund(
    *, payment_intent: str, amount: Decimal, currency: str, key: str, order_number: str
) -> RefundResult:
    try:
        refund = client().v1.refunds.create(
            params={
                "payment_intent": payment_intent,
                "amount": to_minor_units(amount, currency),
                "reason": "requested_by_customer",
                "metadata": {"order_number": order_number},
            },
            options={"idempotency_key": key},
        )
    except stripe.InvalidRequestError as error:
        raise PaymentUnavailable(
            _("Stripe refused the refund: %(reason)s") % {"reason": error.user_message or error}
        ) from error
    except stripe.StripeError as error:
        raise PaymentUnavailable(UNAVAILABLE) from error
    return RefundResult.of(refund)


def list_refunds(payment_intent: str) -> list[RefundResult]:
    """Every refund of a payment, newest first. Since Stripe API version 2022-11-15 a charge (and
    its `charge.refunded` event) no longer lists its refunds: this is how to learn of them."""
    try:
        page = client().v1.refunds.list(params={"payment_intent": payment_intent, "limit": 100})
    except stripe.StripeError as error:
        raise PaymentUnavailable(UNAVAILABLE) from error
    return [RefundResult.of(refund) for refund in page.data]


def verify_webhook(payload: bytes, signature: str | None) -> WebhookEvent:
    """The event, if Stripe signed it with our secret within the last five minutes."""
    if not signature:
        raise InvalidWebhook("The Stripe-Signature header is missing.")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=WEBHOOK_TOLERANCE
        )
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise InvalidWebhook(str(error)) from error
    return WebhookEvent(id=event.id, type=event.type, object=event.data.object.to_dict())


def as_session(session) -> CheckoutSession:
    data = session.to_dict() if hasattr(session, "to_dict") else dict(session)
    return session_from_dict(data)


def session_from_dict(data: dict) -> CheckoutSession:
    intent = data.get("payment_intent") or ""
    if isinstance(intent, dict):
        intent = intent.get("id", "")
    return CheckoutSession(
        id=data["id"],
        url=data.get("url"),
        status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        amount_total=data.get("amount_total") or 0,
        currency=(data.get("currency") or "").lower(),
        order_number=(data.get("metadata") or {}).get("order_number")
        or data.get("client_reference_id")
        or "",
        payment_intent=intent,
        expires_at=datetime.fromtimestamp(data.get("expires_at") or 0, tz=UTC),
    )
