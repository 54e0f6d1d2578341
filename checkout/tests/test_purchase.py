"""The whole purchase over HTTP: basket, checkout, the stand-in's Pay button, Stripe's signed
webhook to the running site, the order paid, stock sold, basket empty, one confirmation mail."""

import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from checkout.models import BasketLine, Order, OrderStatus
from checkout.tests.conftest import check_out, fill_basket
from mail.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def press(url: str, button: str) -> str:
    """Open Stripe's (stand-in's) hosted page, press a button, return where it sends us."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), KeepRedirects)
    page = BeautifulSoup(opener.open(url).read(), "html.parser")
    form = page.find("button", string=lambda text: text and text.strip() == button).find_parent(
        "form"
    )
    action = (
        form["action"]
        if form["action"].startswith("http")
        else f"{urlsplit(url).scheme}://{urlsplit(url).netloc}{form['action']}"
    )
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(urllib.request.Request(action, data=b"", method="POST"))
    assert redirect.value.code == 303
    return redirect.value.headers["Location"]


def test_guest_pays_and_the_webhook_fulfils(client, dress, live_stripe):
    fill_basket(client, dress, 2)

    response = check_out(client)
    assert response.status_code == 303
    back = press(response["Location"], "Pay")

    # Stripe delivered checkout.session.completed to the site, which fulfilled the order
    live_stripe.wait_for_deliveries(1)
    assert [d["status"] for d in live_stripe.deliveries] == [200]
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    dress.refresh_from_db()
    assert dress.stock == 1
    assert not BasketLine.objects.exists()
    assert (
        OutboxMessage.objects.filter(kind="orders/confirmation", to="gail@example.com").count() == 1
    )

    # And the shopper lands on the success page, which finds the order already paid
    response = client.get(urlsplit(back).path + "?" + urlsplit(back).query)
    assert f"Order <strong>{order.number}</strong> is paid" in response.content.decode()
    assert OutboxMessage.objects.filter(kind="orders/confirmation").count() == 1
    assert client.get(reverse("checkout:basket")).context["basket"].count == 0


def test_declined_then_cancelled_leaves_nothing_charged(client, dress, live_stripe):
    fill_basket(client, dress, 1)
    url = check_out(client)["Location"]

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), KeepRedirects)
    page = BeautifulSoup(opener.open(url).read(), "html.parser")
    decline = page.find(
        "button", string=lambda text: text and text.strip() == "Decline"
    ).find_parent("form")["action"]
    declined = opener.open(urllib.request.Request(decline, data=b"", method="POST")).read().decode()
    assert "Your card was declined." in declined

    back = press(url, "Cancel")
    response = client.get(urlsplit(back).path + "?" + urlsplit(back).query, follow=True)
    assert "Payment cancelled: nothing was charged" in response.content.decode()
    time.sleep(0.5)
    order = Order.objects.get()
    assert order.status == OrderStatus.CANCELLED
    dress.refresh_from_db()
    assert dress.stock == 3
    assert BasketLine.objects.get().quantity == 1
