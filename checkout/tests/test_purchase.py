"""The whole purchase over HTTP: basket, checkout, the stand-in's Pay button, Stripe's signed
webhook to the running site, the order paid, stock sold, basket empty, one confirmation mail."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from checkout.models import BasketLine, Order, PaymentStatus
from checkout.tests.helpers import check_out, fill_basket, messages_of
from mail.models import OutboxMessage
from testing.http import press

pytestmark = pytest.mark.django_db(transaction=True)


def back_at_the_store(location: str) -> str:
    """Where Stripe sends the shopper back, as a path (and query) of the test client's."""
    url = urlsplit(location)
    return f"{url.path}?{url.query}"


def once_stripe_told_the_store(live_stripe) -> Order:
    """The order, once Stripe's one event about it reached the store and was taken."""
    live_stripe.wait_for_deliveries(1)
    assert [delivery["status"] for delivery in live_stripe.deliveries] == [200]
    return Order.objects.get()


def test_guest_pays_and_the_webhook_fulfils(client, dress, live_stripe):
    # Given a guest with 2 dresses in the basket (3 left)
    fill_basket(client, dress, 2)

    # When they check out and press Pay on Stripe's page
    response = check_out(client)
    assert response.status_code == 303
    paid = press(response["Location"], "Pay")
    assert paid.status == 303

    # Then Stripe's checkout.session.completed reaches the site, which fulfils the order: the
    # dresses are sold, the basket emptied, the confirmation sent
    assert once_stripe_told_the_store(live_stripe).payment_status == PaymentStatus.PAID
    dress.refresh_from_db()
    assert dress.stock == 1
    assert not BasketLine.objects.exists()
    assert (
        OutboxMessage.objects.filter(kind="orders/confirmation", to="gail@example.com").count() == 1
    )

    # And the shopper lands on the success page, which finds the order already paid
    response = client.get(back_at_the_store(paid.headers["Location"]))
    order = Order.objects.get()
    assert f"Order <strong>{order.number}</strong> is paid" in response.content.decode()
    assert OutboxMessage.objects.filter(kind="orders/confirmation").count() == 1
    assert client.get(reverse("checkout:basket")).context["basket"].count == 0


def test_declined_then_cancelled_leaves_nothing_charged(client, dress, live_stripe):
    # Given a guest at Stripe's page for 1 dress (3 left, 1 of them reserved)
    fill_basket(client, dress, 1)
    url = check_out(client)["Location"]

    # When their card is declined, they are told so and may try again
    declined = press(url, "Decline")
    assert declined.status == 200
    assert "Your card was declined." in declined.body

    # When they cancel instead, they are back at their basket, told nothing was charged
    cancelled = press(url, "Cancel")
    assert cancelled.status == 303
    response = client.get(back_at_the_store(cancelled.headers["Location"]), follow=True)
    assert messages_of(response) == [
        "Payment cancelled: nothing was charged, and your basket is as you left it."
    ]

    # Then the order is cancelled and the dress back on sale, and Stripe's word that the session
    # expired changes nothing more
    assert once_stripe_told_the_store(live_stripe).payment_status == PaymentStatus.CANCELLED
    dress.refresh_from_db()
    assert dress.stock == 3
    assert BasketLine.objects.get().quantity == 1
