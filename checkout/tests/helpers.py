"""Steps of the checkout tests: a basket filled and checked out through the pages, Stripe's
signed webhook events, and the Stripe stand-in driven as Stripe's servers would act."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from django.conf import settings
from django.urls import reverse

from checkout.models import Order
from testing.http import fetch

# The checkout form as a guest fills it in: standard shipping, no code, pay now.
GUEST = {
    "email": "gail@example.com",
    "full_name": "Gail Guest",
    "line1": "1 Silk Road",
    "line2": "",
    "postcode": "97201",
    "city": "Portland",
    "region": "OR",
    "country": "US",
    "phone": "",
    "shipping_method": "standard",
    "discount_code": "",
    "pay": "1",
}


def messages_of(response) -> list[str]:
    """The messages (Django's) the page shows."""
    return [str(message) for message in response.context["messages"]] if response.context else []


def fill_basket(client, variant, quantity=1):
    """Add to the basket as the product page's form does; the shopper lands on the basket."""
    response = client.post(
        reverse("checkout:basket_add"),
        {"variant": variant.pk, "quantity": quantity},
        follow=True,
        HTTP_SEC_FETCH_SITE="same-origin",  # as a browser on our product page says
    )
    assert response.redirect_chain == [(reverse("checkout:basket"), 302)]


def check_out(client, **overrides):
    """Send the checkout form as GUEST, with `overrides`."""
    return client.post(reverse("checkout:checkout"), {**GUEST, **overrides})


# Stripe's webhook -------------------------------------------------------------------------------


def signed(payload: bytes, *, secret: str | None = None, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for `payload`, as Stripe signs it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(
        (secret or settings.STRIPE_WEBHOOK_SECRET).encode(),
        f"{timestamp}.".encode() + payload,
        hashlib.sha256,
    ).hexdigest()
    return f"t={timestamp},v1={signature}"


def event(event_type: str, obj: dict, event_id: str = "evt_test_1") -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": obj},
        }
    ).encode()


def post_event(client, payload: bytes, signature: str | None = "sign"):
    """Post `payload` to the webhook, signed unless a `signature` (or None, for none) is given."""
    headers = {}
    if signature == "sign":
        signature = signed(payload)
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = signature
    return client.post(
        reverse("checkout:stripe_webhook"), payload, content_type="application/json", **headers
    )


# The Stripe stand-in's own controls ---------------------------------------------------------------


def standin_post(standin, path: str) -> dict:
    """Act at the stand-in as the shopper or their bank would (pay, settle, expire...)."""
    answer = fetch(f"{standin.url}/_standin/{path}", method="POST")
    assert answer.status == 200, answer.body
    return json.loads(answer.body)


def standin_session(standin, session_id: str) -> dict:
    """The Checkout Session as the stand-in holds it now."""
    answer = fetch(f"{standin.url}/_standin/sessions/{session_id}")
    assert answer.status == 200, answer.body
    return json.loads(answer.body)


def standin_charge(standin, order: Order) -> dict:
    """The charge of the order's payment, as Stripe's API gives it."""
    answer = fetch(
        f"{standin.url}/v1/payment_intents/{order.stripe_payment_intent}?expand[]=latest_charge",
        headers={"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"},
    )
    assert answer.status == 200, answer.body
    return json.loads(answer.body)["latest_charge"]


def pay(client, standin, order: Order) -> Order:
    """The shopper pays at the stand-in and Stripe's event reaches the webhook: the order, paid."""
    paid = standin_post(standin, f"sessions/{order.stripe_session_id}/pay?deliver=0")
    response = post_event(
        client,
        event(
            "checkout.session.completed",
            standin_session(standin, order.stripe_session_id),
            paid["event"],
        ),
    )
    assert response.status_code == 200
    order.refresh_from_db()
    return order
