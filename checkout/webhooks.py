"""Stripe's webhook events, each handled once whatever Stripe resends, dispatched by type."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from . import refunds, services
from .exceptions import PaymentMismatch
from .models import StripeEvent
from .payments import WebhookEvent

logger = logging.getLogger(__name__)


def on_session_completed(session: dict) -> None:
    # Paid by card: fulfilled now. Paid by bank transfer: "unpaid" until the async event.
    number = session.get("client_reference_id") or (session.get("metadata") or {}).get(
        "order_number", ""
    )
    services.fulfil(session["id"], order_number=number or "")


def on_session_expired(session: dict) -> None:
    services.session_expired(session["id"])


def on_async_payment_failed(session: dict) -> None:
    services.payment_failed(session["id"])


HANDLERS: dict[str, Callable[[dict], None]] = {
    "checkout.session.completed": on_session_completed,
    "checkout.session.async_payment_succeeded": on_session_completed,
    "checkout.session.async_payment_failed": on_async_payment_failed,
    "checkout.session.expired": on_session_expired,
    "charge.refunded": refunds.charge_refunded,
    "refund.created": refunds.refund_reported,
    "refund.updated": refunds.refund_reported,
    "refund.failed": refunds.refund_reported,
}


def handle(event: WebhookEvent) -> str:
    """Record the event's id and act on it in one transaction: a repeat finds the id and does
    nothing; a failure rolls both back, and Stripe's retry gets another go."""
    with transaction.atomic():
        _, created = StripeEvent.objects.get_or_create(
            event_id=event.id, defaults={"type": event.type}
        )
        if not created:
            return "duplicate"
        handler = HANDLERS.get(event.type)
        if handler is None:
            logger.info("Stripe event %s of type %s needs nothing from us.", event.id, event.type)
            return "ignored"
        try:
            with transaction.atomic():
                handler(event.object)
        except PaymentMismatch:
            # Logged loudly by fulfil; a retry cannot fix it, so the event stays handled and
            # the order waits for a person.
            return "mismatch"
    return "handled"
