"""Purchase history: one's own orders only, newest first, with lines, totals, history and
tracking; guests' orders join the account that confirms their address; deleted accounts keep
their orders without personal data."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailConfirmationHMAC
from django.urls import reverse

from accounts.services import delete_account
from accounts.tests.factories import UserFactory
from checkout.models import FulfilmentStatus
from checkout.tests.factories import OrderFactory
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


def test_history_lists_only_my_orders_newest_first(client, ann):
    # Given two orders of Ann's and one of Bob's
    older = OrderFactory(user=ann)
    newer = OrderFactory(user=ann, tracking_number="1Z999")
    OrderFactory(user=UserFactory(email="bob@example.com"))

    # When Ann opens her history, then she sees hers, newest first
    page = soup_of(client.get(reverse("checkout:order_list")))
    numbers = [h.get_text(strip=True) for h in page.select(".order-card h2")]
    assert numbers == [f"Order {newer.number}", f"Order {older.number}"]


def test_order_detail_shows_lines_totals_status_and_tracking(client, ann):
    # Given Ann's order of one Wrap Dress (80.00 + 6.00 shipping), shipped with a tracking number
    order = OrderFactory(user=ann, tracking_number="1Z999")
    order.move_fulfilment(FulfilmentStatus.SHIPPED, note="Tracking number: 1Z999")
    order.save()

    # When she opens it
    page = soup_of(client.get(reverse("checkout:order_detail", args=[order.number])))

    # Then it shows its status, tracking number, lines, totals and history
    assert [status.get_text() for status in page.select(".status")] == ["Paid", "Shipped"]
    assert "Tracking number: 1Z999" in page.get_text()
    assert [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.select(".data-table tbody tr")
    ] == [["Wrap Dress M, Black · W-M-B", "$80.00", "1", "$80.00"]]
    assert [
        (row.select_one("dt").get_text(), row.select_one("dd").get_text())
        for row in page.select(".totals > div")
    ] == [("Subtotal", "$80.00"), ("Standard", "$6.00"), ("Total", "$86.00")]
    for time in page.select(".history time"):
        time.decompose()
    assert [item.get_text(" ", strip=True) for item in page.select(".history li")] == [
        "Order placed",
        "Shipped – Tracking number: 1Z999",
    ]


def test_another_shoppers_order_answers_404(client, ann):
    theirs = OrderFactory(user=UserFactory(email="bob@example.com"))
    guest = OrderFactory(email="carol@example.com")
    assert client.get(reverse("checkout:order_detail", args=[theirs.number])).status_code == 404
    assert client.get(reverse("checkout:order_detail", args=[guest.number])).status_code == 404
    assert client.get(reverse("checkout:order_detail", args=["DS-NOPE"])).status_code == 404


def test_history_needs_sign_in(client):
    response = client.get(reverse("checkout:order_list"))
    assert response.status_code == 302
    assert (
        response["Location"] == f"{reverse('account_login')}?next={reverse('checkout:order_list')}"
    )


def test_history_is_paginated(client, ann):
    for _ in range(12):
        OrderFactory(user=ann)
    first = client.get(reverse("checkout:order_list"))
    assert len(first.context["orders"].object_list) == 10
    second = client.get(reverse("checkout:order_list"), {"page": 2})
    assert len(second.context["orders"].object_list) == 2


def test_a_guests_orders_join_the_account_that_confirms_the_address(client):
    # Given Dee's order as a guest, another guest's, and Dee's new account, not yet confirmed
    dees_order = OrderFactory(email="Dee@Example.com")
    someone_elses = OrderFactory(email="eve@example.com")
    dee = UserFactory(email="dee@example.com", confirmed=False)

    # When she confirms her address
    confirmation = EmailConfirmationHMAC(dee.emailaddress_set.get())
    response = client.post(reverse("account_confirm_email", args=[confirmation.key]))

    # Then her guest order is hers, and only hers
    assert response.status_code == 302
    dees_order.refresh_from_db()
    someone_elses.refresh_from_db()
    assert (dees_order.user, someone_elses.user) == (dee, None)


def test_deleting_an_account_keeps_its_orders_without_personal_data(ann):
    order = OrderFactory(user=ann)
    delete_account(user=ann)
    order.refresh_from_db()
    assert (order.user, order.email) == (None, f"deleted-{order.number.lower()}@invalid.example")
    assert (order.ship_name, order.ship_line1, order.ship_phone) == ("Deleted customer", "", "")
    assert order.total == Decimal("86")
    assert order.lines.count() == 1


def test_a_user_deleted_in_the_admin_leaves_orders_without_personal_data(ann):
    # Given an order of Ann's
    order = OrderFactory(user=ann, ship_region="OR")

    # When her user is deleted another way than by her (as staff do in the admin)
    ann.delete()

    # Then the order stays, with nothing that names her
    order.refresh_from_db()
    assert (order.user, order.email, order.ship_name) == (
        None,
        f"deleted-{order.number.lower()}@invalid.example",
        "Deleted customer",
    )
    assert (order.ship_line1, order.ship_region, order.ship_city, order.ship_postcode) == (
        "",
        "",
        "",
        "",
    )
