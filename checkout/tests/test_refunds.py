"""Refunds keep the books right whatever Stripe does with them: a pending refund is not money
back yet, a failed one is recorded and shown, one made in Stripe's dashboard is recorded from its
webhooks, a repeat never answers 500; and an order whose bank transfer is on its way is not
cancelled under it."""

import json
import urllib.request
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.groups import MERCHANDISERS, ensure_staff_groups
from accounts.tests.factories import UserFactory
from checkout import refunds, services
from checkout.exceptions import CheckoutError
from checkout.models import Order, PaymentStatus, Refund
from checkout.tests.helpers import check_out, event, fill_basket, post_event
from mail.models import OutboxMessage

pytestmark = pytest.mark.django_db


def control(standin, path: str) -> dict:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(f"{standin.url}/_standin/{path}", data=b"", method="POST")
    return json.load(opener.open(request))


def deliver(client, standin, *types: str) -> list[int]:
    """Post the stand-in's events of these types to the webhook, as Stripe would, and return the
    answers' status codes."""
    return [
        post_event(client, json.dumps(item).encode()).status_code
        for item in standin.events
        if item["type"] in types
    ]


@pytest.fixture
def paid(client, dress, stripe_standin) -> Order:
    """A guest's paid order for two dresses at 100.00, shipped free: 200.00."""
    fill_basket(client, dress, 2)
    assert check_out(client).status_code == 303
    order = Order.objects.get()
    control(stripe_standin, f"sessions/{order.stripe_session_id}/pay?deliver=0")
    session = next(
        item["data"]["object"]
        for item in stripe_standin.events
        if item["type"] == "checkout.session.completed"
    )
    assert (
        post_event(client, event("checkout.session.completed", session, "evt_paid")).status_code
        == 200
    )
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    return order


@pytest.fixture
def merchandiser(client, shop):
    ensure_staff_groups()
    user = UserFactory(email="max@example.com")
    user.groups.add(Group.objects.get(name=MERCHANDISERS))
    return user


def refund_mails(order) -> int:
    return OutboxMessage.objects.filter(to=order.email, kind="orders/refunded").count()


def test_a_pending_refund_is_not_money_back_until_it_succeeds(client, paid, stripe_standin):
    # Given refunds that wait for the bank
    control(stripe_standin, "refund-outcome?status=pending")

    # When the shop refunds 20.00
    refund = refunds.refund(paid.pk, amount=Decimal("20.00"), key="k1")

    # Then it is recorded as pending, and the order is not refunded yet
    paid.refresh_from_db()
    assert (refund.status, paid.refunded_total, paid.payment_status) == (
        "pending",
        Decimal("0.00"),
        PaymentStatus.PAID,
    )
    assert refund_mails(paid) == 0
    # And what is pending cannot be refunded a second time
    with pytest.raises(CheckoutError) as refused:
        refunds.refund(paid.pk, amount=Decimal("190.00"), key="k2")
    assert "at most $180.00" in refused.value.message

    # When Stripe says it succeeded
    control(stripe_standin, f"refunds/{refund.stripe_refund_id}/settle?status=succeeded")
    assert set(
        deliver(client, stripe_standin, "refund.created", "refund.updated", "charge.refunded")
    ) == {200}

    # Then the order is partly refunded, and the shopper told once
    paid.refresh_from_db()
    assert (paid.refunded_total, paid.payment_status) == (
        Decimal("20.00"),
        PaymentStatus.PARTLY_REFUNDED,
    )
    assert Refund.objects.get().status == "succeeded"
    assert refund_mails(paid) == 1


def test_a_failed_refund_is_recorded_and_shown_to_staff(client, paid, stripe_standin, merchandiser):
    # Given refunds that the bank refuses
    control(stripe_standin, "refund-outcome?status=failed")

    # When the shop refunds 50.00 and Stripe's events arrive
    refunds.refund(paid.pk, amount=Decimal("50.00"), key="k1")
    statuses = deliver(
        client,
        stripe_standin,
        "refund.created",
        "charge.refunded",
        "refund.failed",
        "refund.updated",
    )

    # Then the refund is recorded as failed, nothing is counted, and staff see it
    assert set(statuses) == {200}
    refund = Refund.objects.get()
    paid.refresh_from_db()
    assert (refund.status, paid.refunded_total, paid.payment_status) == (
        "failed",
        Decimal("0.00"),
        PaymentStatus.PAID,
    )
    client.force_login(merchandiser)
    page = client.get(reverse("orders:inspect", args=[paid.pk])).content.decode()
    assert "Failed" in page
    assert "expired_or_canceled_card" in page


def test_a_refund_made_in_stripes_dashboard_is_recorded(client, paid, stripe_standin):
    # When someone refunds 30.00 in Stripe's dashboard, and Stripe's events reach the store
    control(stripe_standin, f"payment_intents/{paid.stripe_payment_intent}/refund?amount=3000")
    assert set(deliver(client, stripe_standin, "refund.created", "charge.refunded")) == {200}

    # Then the order knows, once
    paid.refresh_from_db()
    assert (paid.refunded_total, paid.payment_status) == (
        Decimal("30.00"),
        PaymentStatus.PARTLY_REFUNDED,
    )
    assert Refund.objects.get().amount == Decimal("30.00")
    assert refund_mails(paid) == 1


def test_a_fully_refunded_order_refuses_more_and_the_webhook_never_fails(
    client, paid, stripe_standin, merchandiser
):
    # Given an order refunded in full
    refunds.refund(paid.pk, amount=Decimal("200.00"), key="all")
    paid.refresh_from_db()
    assert paid.payment_status == PaymentStatus.REFUNDED

    # When Stripe's events about it arrive (again and again)
    for _ in range(2):
        statuses = deliver(client, stripe_standin, "refund.created", "charge.refunded")
        assert set(statuses) == {200}

    # And staff try to refund it again
    client.force_login(merchandiser)
    response = client.get(reverse("orders:refund", args=[paid.pk]), follow=True)

    # Then they are told, and nothing more is refunded
    assert "There is nothing to refund on this order." in response.content.decode()
    paid.refresh_from_db()
    assert paid.refunded_total == Decimal("200.00")
    assert Refund.objects.count() == 1


def test_an_order_whose_bank_transfer_is_on_its_way_is_not_cancelled(
    client, dress, stripe_standin, merchandiser
):
    # Given an order paid by bank transfer, the money not arrived yet
    fill_basket(client, dress, 1)
    assert check_out(client).status_code == 303
    order = Order.objects.get()
    control(stripe_standin, f"sessions/{order.stripe_session_id}/pay-async?deliver=0")

    # When staff cancel it
    client.force_login(merchandiser)
    response = client.post(reverse("orders:cancel", args=[order.pk]), follow=True)

    # Then they are told why not, and it still holds its stock
    assert (
        "The shopper has paid by bank transfer and the money is on its way"
        in response.content.decode()
    )
    order.refresh_from_db()
    dress.refresh_from_db()
    assert (order.payment_status, dress.stock) == (PaymentStatus.PENDING, 2)


# Reconciliation --------------------------------------------------------------------------------


def overdue_order(client_factory, dress, *, email: str) -> Order:
    visitor = client_factory()
    fill_basket(visitor, dress, 1)
    assert check_out(visitor, email=email).status_code == 303
    return Order.objects.get(email=email)


def test_one_bad_order_does_not_stop_the_clean_up(client, dress, stripe_standin, caplog):
    # Given four unpaid orders past their time: one Stripe does not know, one paid at Stripe (its
    # webhook lost), one left unpaid, and one that never got a session
    broken = overdue_order(Client, dress, email="broken@example.com")
    Order.objects.filter(pk=broken.pk).update(stripe_session_id="cs_test_unknown_to_stripe")
    paid = overdue_order(Client, dress, email="paid@example.com")
    control(stripe_standin, f"sessions/{paid.stripe_session_id}/pay?deliver=0")
    overdue_order(Client, dress, email="unpaid@example.com")
    Order.objects.create(
        email="never@example.com",
        currency="usd",
        subtotal=1,
        shipping_total=0,
        total=1,
        shipping_method="standard",
        shipping_label="Standard",
        ship_name="N",
        ship_line1="1",
        ship_city="C",
        ship_postcode="P",
        ship_country="US",
    )
    Order.objects.update(expires_at=timezone.now() - timedelta(minutes=10))

    # When the clean-up runs
    outcome = services.reconcile_pending()

    # Then every order but the broken one is settled, and the broken one is logged for next time
    assert outcome == {"paid": 1, "expired": 2, "waiting": 0, "failed": 1}
    states = dict(Order.objects.values_list("email", "payment_status"))
    assert states == {
        "broken@example.com": PaymentStatus.PENDING,
        "paid@example.com": PaymentStatus.PAID,
        "unpaid@example.com": PaymentStatus.EXPIRED,
        "never@example.com": PaymentStatus.CANCELLED,
    }
    assert f"Could not settle order {broken.number}" in caplog.text


def test_with_stripe_down_the_orders_that_never_got_a_session_are_still_released(
    client, dress, stripe_standin, settings
):
    # Given an order that got a session and one that did not, both past their time
    started = overdue_order(lambda: client, dress, email="started@example.com")
    never = Order.objects.create(
        email="never@example.com",
        currency="usd",
        subtotal=1,
        shipping_total=0,
        total=1,
        shipping_method="standard",
        shipping_label="Standard",
        ship_name="N",
        ship_line1="1",
        ship_city="C",
        ship_postcode="P",
        ship_country="US",
    )
    Order.objects.update(expires_at=timezone.now() - timedelta(minutes=10))

    # When the clean-up runs while Stripe cannot be reached
    settings.STRIPE_API_BASE = "http://127.0.0.1:1"
    outcome = services.reconcile_pending()

    # Then the order without a session is released all the same, and the other waits
    assert outcome == {"paid": 0, "expired": 1, "waiting": 0, "failed": 1}
    started.refresh_from_db()
    never.refresh_from_db()
    assert (started.payment_status, never.payment_status) == (
        PaymentStatus.PENDING,
        PaymentStatus.CANCELLED,
    )
