"""The same purchase as the checkout's, over the API: token, basket, checkout, the stand-in's
Pay button, Stripe's webhook to the running site, and the order in the caller's history."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory
from checkout.models import Order, PaymentStatus
from mail.models import OutboxMessage
from testing.http import press

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_purchase_over_the_api(live_stripe, make_product):
    user = UserFactory(email="api@example.com")
    variant = make_product(title="API Dress", stock={("M", "Black"): 2}).variants.get()
    api = APIClient()

    token = api.post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert (
        api.post(
            "/api/v1/basket/lines/", {"variant": variant.pk, "quantity": 2}, format="json"
        ).status_code
        == 201
    )
    started = api.post(
        "/api/v1/checkout/",
        {
            "address": {
                "full_name": "Api Buyer",
                "line1": "2 Json Street",
                "city": "Leeds",
                "postcode": "LS1",
                "country": "GB",
            },
            "shipping_method": "express",
        },
        format="json",
    )
    assert started.status_code == 201, started.json()

    assert press(started.json()["checkout_url"], "Pay").status == 303
    live_stripe.wait_for_deliveries(1)

    order = Order.objects.get(number=started.json()["order"])
    assert order.payment_status == PaymentStatus.PAID
    assert order.user == user
    variant.refresh_from_db()
    assert variant.stock == 0
    assert api.get("/api/v1/basket/").json()["count"] == 0
    history = api.get("/api/v1/orders/").json()["results"]
    assert [
        (o["number"], o["payment_status"], o["fulfilment_status"], o["total"]) for o in history
    ] == [(order.number, "paid", "unfulfilled", "215.00")]
    assert OutboxMessage.objects.filter(kind="orders/confirmation", to=user.email).count() == 1
