"""Orders in the Wagtail admin: merchandisers search, inspect, ship, refund and cancel; editors
cannot; discount codes; the dashboard's trade panel."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.groups import EDITORS, MERCHANDISERS, ensure_staff_groups
from accounts.tests.factories import UserFactory
from checkout.models import DiscountCode, Order, OrderStatus
from checkout.tests.conftest import check_out, fill_basket
from checkout.tests.test_payments import pay
from mail.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(shop):
    ensure_staff_groups()

    def member_of(name):
        user = UserFactory(email=f"{name.lower()}@example.com")
        user.groups.add(Group.objects.get(name=name))
        return user

    return {"editor": member_of(EDITORS), "merchandiser": member_of(MERCHANDISERS)}


@pytest.fixture
def paid_order(client, dress, stripe_standin):
    fill_basket(client, dress, 2)
    check_out(client)
    return pay(client, stripe_standin, Order.objects.get())


def test_merchandiser_finds_and_inspects_orders(client, staff, paid_order):
    client.force_login(staff["merchandiser"])
    index = reverse("orders:index")
    assert [
        o.number for o in client.get(index, {"q": paid_order.number}).context["object_list"]
    ] == [paid_order.number]
    assert [o.number for o in client.get(index, {"q": "gail@"}).context["object_list"]] == [
        paid_order.number
    ]
    assert list(client.get(index, {"status": "shipped"}).context["object_list"]) == []
    today = paid_order.created_at.date().isoformat()
    assert len(client.get(index, {"created_at__date__gte": today}).context["object_list"]) == 1

    page = client.get(reverse("orders:inspect", args=[paid_order.pk])).content.decode()
    assert "Wrap Dress – M, Black" in page
    assert "Mark shipped" in page
    assert "Refund through Stripe" in page


def test_merchandiser_ships_with_a_tracking_number(client, staff, paid_order):
    client.force_login(staff["merchandiser"])
    client.post(
        reverse("orders:ship", args=[paid_order.pk]), {"tracking_number": "1Z999AA10123456784"}
    )
    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.tracking_number) == (
        OrderStatus.SHIPPED,
        "1Z999AA10123456784",
    )
    shipped = OutboxMessage.objects.get(kind="orders/shipped")
    assert "1Z999AA10123456784" in shipped.text_body

    response = client.post(
        reverse("orders:ship", args=[paid_order.pk]), {"tracking_number": "again"}, follow=True
    )
    assert "cannot become shipped" in response.content.decode()


def test_merchandiser_refunds_part_with_restock(client, staff, paid_order, dress):
    client.force_login(staff["merchandiser"])
    line = paid_order.lines.get()
    client.post(
        reverse("orders:refund", args=[paid_order.pk]),
        {"amount": "100.00", "key": "k1", f"restock-{line.pk}": "1"},
    )
    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.refunded_total) == (
        OrderStatus.PARTIALLY_REFUNDED,
        Decimal("100.00"),
    )
    dress.refresh_from_db()
    assert dress.stock == 2

    response = client.post(
        reverse("orders:refund", args=[paid_order.pk]),
        {"amount": "500.00", "key": "k2"},
        follow=True,
    )
    assert "at most" in response.content.decode()
    response = client.post(
        reverse("orders:refund", args=[paid_order.pk]), {"amount": "lots", "key": "k3"}, follow=True
    )
    assert "Enter the amount to refund" in response.content.decode()


def test_merchandiser_cancels_an_unpaid_order(client, staff, dress, stripe_standin):
    fill_basket(client, dress, 1)
    check_out(client)
    order = Order.objects.get()
    client.force_login(staff["merchandiser"])
    client.post(reverse("orders:cancel", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    dress.refresh_from_db()
    assert dress.stock == 3


def test_editors_cannot_see_or_touch_orders(client, staff, paid_order):
    client.force_login(staff["editor"])
    assert client.get(reverse("orders:index")).status_code in (302, 403)
    assert client.get(reverse("orders:inspect", args=[paid_order.pk])).status_code in (302, 403)
    assert client.post(
        reverse("orders:ship", args=[paid_order.pk]), {"tracking_number": "x"}
    ).status_code in (302, 403)
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.PAID
    assert client.get(reverse("discount_codes:index")).status_code in (302, 403)


def test_nobody_adds_or_deletes_orders_in_the_admin(client, paid_order):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("orders:add")).status_code in (302, 403)
    client.post(reverse("orders:delete", args=[paid_order.pk]))
    assert Order.objects.filter(pk=paid_order.pk).exists()


def test_merchandiser_creates_a_discount_code(client, staff):
    client.force_login(staff["merchandiser"])
    response = client.post(
        reverse("discount_codes:add"),
        {
            "code": "summer20",
            "kind": "percent",
            "value": "20",
            "minimum_subtotal": "0",
            "valid_from": "",
            "valid_until": "",
            "active": "on",
            "usage_limit": "100",
            "per_customer_limit": "1",
        },
    )
    assert response.status_code == 302
    assert DiscountCode.objects.get().code == "SUMMER20"


def test_dashboard_shows_todays_trade_to_merchandisers(client, staff, paid_order):
    client.force_login(staff["merchandiser"])
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Today in the shop" in page
    assert "1 paid" in page
    assert "$200.00" in page
    client.force_login(staff["editor"])
    assert "Today in the shop" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_order_page_offers_what_the_order_allows(client, staff, dress, stripe_standin):
    # Given an order awaiting payment
    fill_basket(client, dress, 1)
    check_out(client)
    order = Order.objects.get()
    client.force_login(staff["merchandiser"])
    inspect = reverse("orders:inspect", args=[order.pk])

    def offered() -> list[str]:
        page = client.get(inspect).content.decode()
        actions = ("Mark shipped", "Refund through Stripe", "Cancel this unpaid order")
        return [action for action in actions if action in page]

    # Then it can only be cancelled; once paid, only shipped or refunded
    assert offered() == ["Cancel this unpaid order"]
    pay(client, stripe_standin, order)
    assert offered() == ["Mark shipped", "Refund through Stripe"]
