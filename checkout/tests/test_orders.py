"""Purchase history: one's own orders only, newest first, with lines, totals, history and
tracking; guests' orders join the account that confirms their address; deleted accounts keep
their orders without personal data."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts.models import User
from accounts.services import delete_account
from checkout.models import OrderStatus
from checkout.tests.factories import an_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(client):
    user = User.objects.create_user("ann@example.com", password="a long enough password")
    client.force_login(user)
    return user


def test_history_lists_only_my_orders_newest_first(client, ann):
    older = an_order("ann@example.com", ann)
    newer = an_order("ann@example.com", ann, tracking_number="1Z999")
    an_order("bob@example.com", User.objects.create_user("bob@example.com"))

    soup = BeautifulSoup(client.get(reverse("checkout:order_list")).content, "html.parser")
    numbers = [h.get_text(strip=True) for h in soup.select(".order-card h2")]
    assert numbers == [f"Order {newer.number}", f"Order {older.number}"]


def test_order_detail_shows_lines_totals_status_and_tracking(client, ann):
    order = an_order("ann@example.com", ann, tracking_number="1Z999")
    order.move_to(OrderStatus.SHIPPED, note="Tracking number: 1Z999")
    order.save()
    text = BeautifulSoup(
        client.get(reverse("checkout:order_detail", args=[order.number])).content, "html.parser"
    ).get_text(" ", strip=True)
    assert "Wrap Dress" in text
    assert "$86.00" in text
    assert "1Z999" in text
    assert "Shipped" in text


def test_another_shoppers_order_answers_404(client, ann):
    theirs = an_order("bob@example.com", User.objects.create_user("bob@example.com"))
    guest = an_order("carol@example.com")
    assert client.get(reverse("checkout:order_detail", args=[theirs.number])).status_code == 404
    assert client.get(reverse("checkout:order_detail", args=[guest.number])).status_code == 404
    assert client.get(reverse("checkout:order_detail", args=["DS-NOPE"])).status_code == 404


def test_history_needs_sign_in(client):
    assert client.get(reverse("checkout:order_list")).status_code == 302


def test_history_is_paginated(client, ann):
    for _ in range(12):
        an_order("ann@example.com", ann)
    first = client.get(reverse("checkout:order_list"))
    assert len(first.context["orders"].object_list) == 10
    assert (
        len(client.get(reverse("checkout:order_list"), {"page": 2}).context["orders"].object_list)
        == 2
    )


def test_a_guests_orders_join_the_account_that_confirms_the_address(client, mailoutbox):
    guest_order = an_order("Dee@Example.com")
    user = User.objects.create_user("dee@example.com", password="a long enough password")
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    from allauth.account.models import EmailConfirmationHMAC

    confirmation = EmailConfirmationHMAC(address)
    client.post(reverse("account_confirm_email", args=[confirmation.key]))

    guest_order.refresh_from_db()
    assert guest_order.user == user


def test_deleting_an_account_keeps_its_orders_without_personal_data(ann):
    order = an_order("ann@example.com", ann)
    delete_account(user=ann)
    order.refresh_from_db()
    assert order.user is None
    assert order.email.startswith("deleted-")
    assert (order.ship_name, order.ship_line1, order.ship_phone) == ("Deleted customer", "", "")
    assert order.total == Decimal("86")
    assert order.lines.count() == 1


def test_a_user_deleted_in_the_admin_leaves_orders_without_personal_data(ann):
    # Given an order of Ann's
    order = an_order("ann@example.com", ann, ship_region="OR")

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
