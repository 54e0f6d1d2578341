"""Orders in the Wagtail admin: merchandisers search, inspect, ship, refund and cancel; editors
cannot; discount codes; the dashboard's trade panel."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import querydict_from_html

from accounts.tests.factories import UserFactory
from checkout.models import DiscountCode, FulfilmentStatus, Order, PaymentStatus
from checkout.tests.factories import OrderFactory, PaymentFactory, RefundFactory
from checkout.tests.helpers import check_out, fill_basket, pay
from mail.models import OutboxMessage
from testing.admin import REFUSED, answer
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper():
    """A guest's browser, apart from the staff member's (`client`)."""
    return Client()


@pytest.fixture
def paid_order(shopper, dress, stripe_standin):
    """Gail's order for 2 Wrap Dresses (200.00), paid through the stand-in."""
    fill_basket(shopper, dress, 2)
    check_out(shopper)
    return pay(shopper, stripe_standin, Order.objects.get())


def test_merchandiser_finds_and_inspects_orders(client, staff, paid_order):
    # Given Gail's order paid today, and Bob's, placed a week ago and shipped
    bob = OrderFactory(
        email="bob@example.com",
        fulfilment_status=FulfilmentStatus.SHIPPED,
        created_at=timezone.now() - timedelta(days=7),
    )
    client.force_login(staff["merchandiser"])

    def found(**params) -> list[str]:
        response = client.get(reverse("orders:index"), params)
        return [order.number for order in response.context["object_list"]]

    # Then a merchandiser finds each by number, email, status and date, newest first
    assert found() == [paid_order.number, bob.number]
    assert found(q=paid_order.number) == [paid_order.number]
    assert found(q="gail@") == [paid_order.number]
    assert found(fulfilment_status="shipped") == [bob.number]
    assert found(to_ship="on") == [paid_order.number]
    today = timezone.localdate().isoformat()
    assert found(created_at_from=today) == [paid_order.number]

    # And its page shows what was bought
    page = soup_of(client.get(reverse("orders:inspect", args=[paid_order.pk])))
    assert [cell.get_text() for cell in page.select("table.listing tbody td")][:5] == [
        "Wrap Dress – M, Black",
        paid_order.lines.get().sku,
        "$100.00",
        "2",
        "$200.00",
    ]


def test_the_order_page_lists_payments_refunds_and_history(client, staff):
    # Given an order paid through Stripe, then refunded 20.00 with the piece put back in stock
    order = OrderFactory(payment_status=PaymentStatus.PENDING)
    order.move_payment(PaymentStatus.PAID)
    order.move_payment(
        PaymentStatus.PARTLY_REFUNDED, note="Refunded $20.00", by=staff["merchandiser"]
    )
    order.refunded_total = Decimal("20.00")
    order.save()
    PaymentFactory(order=order, stripe_payment_intent="pi_test_paid")
    RefundFactory(
        order=order, amount=Decimal("20.00"), stripe_refund_id="re_test_back", restocked=True
    )
    client.force_login(staff["merchandiser"])

    # When a merchandiser opens it
    page = soup_of(client.get(reverse("orders:inspect", args=[order.pk])))

    # Then each payment, refund and change of status is listed (here without its date and time)
    def listed(heading: str) -> list[str]:
        items = page.find("h3", string=heading).find_next_sibling("ul").select("li")
        return [item.get_text() for item in items]

    def undated(item: str) -> list[str]:
        return [part for part in item.split(" · ") if ":" not in part]

    assert [undated(item) for item in listed("Payments")] == [["$86.00", "pi_test_paid"]]
    assert [undated(item) for item in listed("Refunds")] == [
        ["$20.00", "Succeeded", "re_test_back", "restocked"]
    ]
    assert [item.split(": ", 1)[1] for item in listed("History")] == [
        "Payment: Awaiting payment → Paid",
        "Payment: Paid → Partly refunded (Refunded $20.00) · Ann Shopper",
    ]


def test_merchandiser_ships_with_a_tracking_number(client, staff, paid_order):
    # Given a merchandiser on a paid order
    client.force_login(staff["merchandiser"])
    ship = reverse("orders:ship", args=[paid_order.pk])
    inspect = reverse("orders:inspect", args=[paid_order.pk])

    # When they mark it shipped with the courier's tracking number
    response = client.post(ship, {"tracking_number": "1Z999AA10123456784"}, follow=True)

    # Then the order is shipped, the shopper is mailed the number, and the order page says so
    assert answer(response) == (
        [(inspect, 302)],
        [
            (
                "success",
                f"Order {paid_order.number} is marked shipped; the customer is told by email.",
            )
        ],
    )
    paid_order.refresh_from_db()
    assert (paid_order.fulfilment_status, paid_order.tracking_number) == (
        FulfilmentStatus.SHIPPED,
        "1Z999AA10123456784",
    )
    shipped = OutboxMessage.objects.get(kind="orders/shipped")
    assert "1Z999AA10123456784" in shipped.text_body

    # And shipping it again is refused with the reason
    again = client.post(ship, {"tracking_number": "again"}, follow=True)
    assert answer(again) == (
        [(inspect, 302)],
        [
            (
                "error",
                f"Order {paid_order.number} is already marked shipped; the shopper was told then.",
            )
        ],
    )
    assert OutboxMessage.objects.filter(kind="orders/shipped").count() == 1


def test_merchandiser_refunds_an_amount_of_their_own_with_restock(client, staff, paid_order, dress):
    # Given a merchandiser on a paid order of 2 dresses (200.00)
    client.force_login(staff["merchandiser"])
    refund = reverse("orders:refund", args=[paid_order.pk])
    inspect = reverse("orders:inspect", args=[paid_order.pk])
    line = paid_order.lines.get()

    def step(data: dict, *, confirm: bool):
        form = querydict_from_html(client.get(refund).content.decode(), form_id="refund-form")
        form.update({**data, "review": ""})
        review = client.post(refund, form)
        if not confirm:
            return review
        confirmed = querydict_from_html(review.content.decode(), form_id="refund-confirm-form")
        confirmed["confirm"] = ""
        return client.post(refund, confirmed, follow=True)

    # When they choose an amount of their own, 100.00, put one dress back on sale, and confirm
    response = step({"mode": "amount", "amount": "100.00", f"restock-{line.pk}": "1"}, confirm=True)

    # Then Stripe refunded it, the order says so, and the dress is on sale again
    assert answer(response) == (
        [(inspect, 302)],
        [("success", f"Refunded $100.00 of order {paid_order.number}.")],
    )
    paid_order.refresh_from_db()
    assert (paid_order.payment_status, paid_order.refunded_total) == (
        PaymentStatus.PARTLY_REFUNDED,
        Decimal("100.00"),
    )
    dress.refresh_from_db()
    assert dress.stock == 2

    # And more than is left, or no amount at all, is refused beside the amount
    too_much = soup_of(step({"mode": "amount", "amount": "500.00"}, confirm=False))
    assert too_much.select_one("#id_amount")["aria-invalid"] == "true"
    assert "The refund must be at most $100.00, what is left to refund." in too_much.get_text()
    nonsense = soup_of(step({"mode": "amount", "amount": "lots"}, confirm=False))
    assert "Enter a number." in nonsense.get_text()
    paid_order.refresh_from_db()
    assert paid_order.refunded_total == Decimal("100.00")


def test_merchandiser_cancels_an_unpaid_order(client, shopper, staff, dress, stripe_standin):
    # Given an order of one dress awaiting payment
    fill_basket(shopper, dress, 1)
    check_out(shopper)
    order = Order.objects.get()
    client.force_login(staff["merchandiser"])

    # When a merchandiser cancels it
    response = client.post(reverse("orders:cancel", args=[order.pk]), follow=True)

    # Then it is cancelled and the dress is back on sale
    assert answer(response) == (
        [(reverse("orders:inspect", args=[order.pk]), 302)],
        [("success", f"Order {order.number} is now cancelled.")],
    )
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.CANCELLED
    dress.refresh_from_db()
    assert dress.stock == 3


def test_editors_cannot_see_or_touch_orders(client, staff, paid_order):
    client.force_login(staff["editor"])

    assert answer(client.get(reverse("orders:index"), follow=True)) == REFUSED
    inspect = client.get(reverse("orders:inspect", args=[paid_order.pk]), follow=True)
    assert answer(inspect) == REFUSED
    ship = client.post(
        reverse("orders:ship", args=[paid_order.pk]), {"tracking_number": "x"}, follow=True
    )
    assert answer(ship) == REFUSED
    paid_order.refresh_from_db()
    assert paid_order.payment_status == PaymentStatus.PAID
    assert answer(client.get(reverse("discount_codes:index"), follow=True)) == REFUSED


def test_nobody_adds_or_deletes_orders_in_the_admin(client, paid_order):
    # Given a superuser, who may do anything else
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    # Then adding or deleting an order is refused even to them
    assert answer(client.get(reverse("orders:add"), follow=True)) == REFUSED
    delete = client.post(reverse("orders:delete", args=[paid_order.pk]), follow=True)
    assert answer(delete) == REFUSED
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
    assert response["Location"] == reverse("discount_codes:index")
    code = DiscountCode.objects.get()
    assert (code.code, code.kind, code.value, code.usage_limit, code.per_customer_limit) == (
        "SUMMER20",
        DiscountCode.Kind.PERCENT,
        Decimal("20.00"),
        100,
        1,
    )


def test_dashboard_shows_todays_trade_to_merchandisers(client, staff, paid_order):
    # Given today's paid order (200.00) with 5.00 given back today, one awaiting payment, and
    # one paid two days ago and partly refunded then, not shipped yet
    RefundFactory(
        order=paid_order, amount=Decimal("5.00"), status="succeeded", settled_at=timezone.now()
    )
    OrderFactory(payment_status=PaymentStatus.PENDING)
    two_days_ago = timezone.now() - timedelta(days=2)
    OrderFactory(
        payment_status=PaymentStatus.PARTLY_REFUNDED, created_at=two_days_ago, paid_at=two_days_ago
    )

    # When a merchandiser opens the dashboard, then it sums up today's trade
    client.force_login(staff["merchandiser"])
    dashboard = soup_of(client.get(reverse("wagtailadmin_home")))
    panel = dashboard.select_one("section:has(#trade-heading)")
    assert panel.select_one("p").get_text() == (
        "2 orders placed, 1 paid, $195.00 taken after refunds. 2 to ship, 1 awaiting payment."
    )

    # And an editor's dashboard has no such panel
    client.force_login(staff["editor"])
    assert soup_of(client.get(reverse("wagtailadmin_home"))).select("#trade-heading") == []


def test_dashboard_counts_one_order_in_the_singular(client, staff, paid_order):
    # Given today's one order, paid and not shipped
    client.force_login(staff["merchandiser"])

    # When a merchandiser opens the dashboard
    dashboard = soup_of(client.get(reverse("wagtailadmin_home")))

    # Then it speaks of one order, not "1 orders"
    panel = dashboard.select_one("section:has(#trade-heading)")
    assert panel.select_one("p").get_text() == (
        "1 order placed, 1 paid, $200.00 taken after refunds. 1 to ship, 0 awaiting payment."
    )


def test_the_order_page_offers_what_the_order_allows(client, shopper, staff, dress, stripe_standin):
    # Given an order awaiting payment
    fill_basket(shopper, dress, 1)
    check_out(shopper)
    order = Order.objects.get()
    client.force_login(staff["merchandiser"])
    inspect = reverse("orders:inspect", args=[order.pk])

    def offered() -> list[str]:
        page = client.get(inspect).content.decode()
        actions = ("Mark shipped", "Refund…", "Cancel this unpaid order")
        return [action for action in actions if action in page]

    # Then it can only be cancelled; once paid, only shipped or refunded
    assert offered() == ["Cancel this unpaid order"]
    pay(shopper, stripe_standin, order)
    assert offered() == ["Mark shipped", "Refund…"]
