"""Helpers of the checkout tests: a filled basket, the checkout form, and signed Stripe events."""

import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from checkout.models import ShippingSettings

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


@pytest.fixture
def rates():
    """Standard 6.00, express 15.00, free from 150.00."""
    ShippingSettings.objects.update_or_create(
        pk=1,
        defaults={
            "standard_rate": Decimal("6.00"),
            "express_rate": Decimal("15.00"),
            "free_shipping_threshold": Decimal("150.00"),
        },
    )


@pytest.fixture
def dress(make_product):
    """A dress with 3 left in M black, at 100.00."""
    return make_product(title="Wrap Dress", stock={("M", "Black"): 3}).variants.get()


def fill_basket(client, variant, quantity=1):
    response = client.post(
        reverse("checkout:basket_add"),
        {"variant": variant.pk, "quantity": quantity},
        HTTP_SEC_FETCH_SITE="same-origin",  # as a browser on our product page says
    )
    assert response.status_code == 302


def check_out(client, **overrides):
    return client.post(reverse("checkout:checkout"), {**GUEST, **overrides})


def signed(payload: bytes, *, secret: str | None = None, timestamp: int | None = None) -> str:
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
    headers = {}
    if signature == "sign":
        signature = signed(payload)
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = signature
    return client.post(
        reverse("checkout:stripe_webhook"), payload, content_type="application/json", **headers
    )
