"""Payment and fulfilment are tracked apart: a refund never takes an order out of "to ship",
nor does it undo "shipped" (issue 11, item 2)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from checkout import refunds, services
from checkout.models import FulfilmentStatus, Order, PaymentStatus
from checkout.tests.helpers import check_out, fill_basket, pay
from mail.models import OutboxMessage
from testing.pages import soup_of

pytestmark = pytest.mark.django_db
P, F = PaymentStatus, FulfilmentStatus


@pytest.fixture
def paid(client, dress, stripe_standin) -> Order:
    """Gail's order for two dresses (200.00), paid through the stand-in."""
    fill_basket(client, dress, 2)
    check_out(client)
    return pay(client, stripe_standin, Order.objects.get())


def to_ship(client) -> list[str]:
    response = client.get(reverse("orders:index"), {"to_ship": "on"})
    return [order.number for order in response.context["object_list"]]


def shipped_mails(order) -> int:
    return OutboxMessage.objects.filter(to=order.email, kind="orders/shipped").count()


def test_a_goodwill_refund_leaves_a_paid_order_to_ship(client, paid, staff):
    # Given a paid order, not shipped, given a 5.00 goodwill refund
    refunds.refund(paid.pk, amount=Decimal("5.00"), key="goodwill")
    paid.refresh_from_db()
    assert (paid.payment_status, paid.fulfilment_status) == (P.PARTLY_REFUNDED, F.UNFULFILLED)

    # Then it is still to ship, for the list and the dashboard
    client.force_login(staff["merchandiser"])
    assert to_ship(client) == [paid.number]
    panel = soup_of(client.get(reverse("wagtailadmin_home"))).select_one(
        "section:has(#trade-heading) p"
    )
    assert "1 to ship" in panel.get_text()

    # And it can be shipped, which tells the shopper once
    services.mark_shipped(paid.pk, tracking_number="1Z1")
    paid.refresh_from_db()
    assert (paid.payment_status, paid.fulfilment_status) == (P.PARTLY_REFUNDED, F.SHIPPED)
    assert shipped_mails(paid) == 1
    assert to_ship(client) == []


def test_a_refund_after_shipping_leaves_the_order_shipped(client, paid, staff):
    # Given a shipped order
    services.mark_shipped(paid.pk, tracking_number="1Z1")

    # When part of it is refunded
    refunds.refund(paid.pk, amount=Decimal("20.00"), key="part")

    # Then it is still shipped and partly refunded, with both moves in its history
    paid.refresh_from_db()
    assert (paid.payment_status, paid.fulfilment_status) == (P.PARTLY_REFUNDED, F.SHIPPED)
    assert [
        (change.kind, change.from_label(), change.to_label())
        for change in paid.status_changes.all()
    ] == [
        ("payment", "Awaiting payment", "Paid"),
        ("fulfilment", "Not shipped yet", "Shipped"),
        ("payment", "Paid", "Partly refunded"),
    ]

    # And the admin offers no "Mark shipped", and the shopper gets no second "on its way" mail
    client.force_login(staff["merchandiser"])
    page = soup_of(client.get(reverse("orders:inspect", args=[paid.pk])))
    assert page.select(f'form[action="{reverse("orders:ship", args=[paid.pk])}"]') == []
    response = client.post(
        reverse("orders:ship", args=[paid.pk]), {"tracking_number": "1Z2"}, follow=True
    )
    assert "is already marked shipped" in response.content.decode()
    assert shipped_mails(paid) == 1


def test_the_shopper_sees_payment_and_shipping_apart(client, paid):
    services.mark_shipped(paid.pk, tracking_number="1Z1")
    refunds.refund(paid.pk, amount=Decimal("20.00"), key="part")

    # Gail's order joins an account of hers, where she sees both statuses
    gail = UserFactory(email="gail@example.com")
    services.attach_guest_orders(user=gail, email=gail.email)
    client.force_login(gail)
    page = soup_of(client.get(reverse("checkout:order_detail", args=[paid.number])))
    assert [status.get_text() for status in page.select(".status")] == [
        "Partly refunded",
        "Shipped",
    ]
    api = client.get(f"/api/v1/orders/{paid.number}/").json()
    assert (api["payment_status"], api["fulfilment_status"]) == ("partly_refunded", "shipped")
