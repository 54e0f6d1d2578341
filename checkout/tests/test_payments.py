"""Payment through the Stripe stand-in and Stripe's webhooks: signatures, repeats, order of
arrival, expiry and refunds. Every fulfilment happens exactly once."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from checkout import payments, refunds, services
from checkout.models import (
    BasketLine,
    Order,
    Payment,
    PaymentStatus,
    Refund,
    StripeEvent,
)
from checkout.tests.helpers import (
    check_out,
    event,
    fill_basket,
    messages_of,
    pay,
    post_event,
    signed,
    standin_charge,
    standin_post,
    standin_session,
)
from mail.models import OutboxMessage
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(client, dress, stripe_standin):
    """A guest's order for 2 dresses, awaiting payment at the stand-in."""
    fill_basket(client, dress, 2)
    assert check_out(client).status_code == 303
    return Order.objects.get()


def confirmations(order) -> int:
    return OutboxMessage.objects.filter(to=order.email, kind="orders/confirmation").count()


def test_a_missing_wrong_or_stale_signature_is_refused(client, placed, stripe_standin):
    # Given Stripe's event that the order is paid
    payload = event("checkout.session.completed", {"id": placed.stripe_session_id})

    # When it comes unsigned, signed with another secret, signed ten minutes ago, or is no JSON
    unsigned = post_event(client, payload, signature=None)
    foreign = post_event(client, payload, signature=signed(payload, secret="whsec_someone_else"))
    stale = post_event(client, payload, signature=signed(payload, timestamp=int(time.time()) - 600))
    garbled = post_event(client, b"{not json", signature=signed(b"{not json"))

    # Then each is refused, and none is recorded or acted on
    assert [r.status_code for r in (unsigned, foreign, stale, garbled)] == [400, 400, 400, 400]
    assert not StripeEvent.objects.exists()
    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.PENDING


def test_the_same_event_five_times_fulfils_once(client, placed, stripe_standin, dress):
    standin_post(stripe_standin, f"sessions/{placed.stripe_session_id}/pay?deliver=0")
    payload = event(
        "checkout.session.completed",
        standin_session(stripe_standin, placed.stripe_session_id),
        "evt_once",
    )

    for _ in range(5):
        assert post_event(client, payload).status_code == 200

    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.PAID
    assert Payment.objects.filter(order=placed).count() == 1
    assert confirmations(placed) == 1
    assert not BasketLine.objects.exists()  # what was bought left the basket
    dress.refresh_from_db()
    assert dress.stock == 1  # the reservation became the sale
    assert StripeEvent.objects.count() == 1


def test_a_different_event_for_the_same_payment_is_still_one_fulfilment(
    client, placed, stripe_standin
):
    standin_post(stripe_standin, f"sessions/{placed.stripe_session_id}/pay?deliver=0")
    session = standin_session(stripe_standin, placed.stripe_session_id)

    first = post_event(client, event("checkout.session.completed", session, "evt_a"))
    second = post_event(client, event("checkout.session.completed", session, "evt_b"))

    assert (first.status_code, second.status_code) == (200, 200)
    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.PAID
    assert confirmations(placed) == 1
    assert placed.status_changes.filter(to_status=PaymentStatus.PAID).count() == 1


def test_success_page_before_the_webhook_fulfils_once(client, placed, stripe_standin):
    # Given a shopper who paid, back on the success page before Stripe's event arrived
    paid = standin_post(stripe_standin, f"sessions/{placed.stripe_session_id}/pay?deliver=0")
    response = client.get("/" + paid["redirect"].split("/", 3)[3])

    # Then the page finds the order paid, and says so
    assert soup_of(response).select_one(".lead").get_text() == (
        f"Order {placed.number} is paid. A confirmation is on its way to gail@example.com."
    )
    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.PAID

    # And when the event arrives after all, nothing happens twice
    post_event(
        client,
        event(
            "checkout.session.completed", standin_session(stripe_standin, placed.stripe_session_id)
        ),
    )
    assert confirmations(placed) == 1
    assert Payment.objects.count() == 1


def test_the_success_page_shows_no_order_to_a_stranger(client, placed, stripe_standin):
    # Given a paid order, and a stranger who has its success link (the session id in it)
    paid = standin_post(stripe_standin, f"sessions/{placed.stripe_session_id}/pay?deliver=0")
    stranger = Client()
    calls = len(stripe_standin.api_calls)

    # When the stranger opens it
    response = stranger.get("/" + paid["redirect"].split("/", 3)[3])

    # Then it is not found for them, nothing of the order shows, and Stripe was not asked
    assert response.status_code == 404
    assert placed.number not in response.content.decode()
    assert "gail@example.com" not in response.content.decode()
    assert len(stripe_standin.api_calls) == calls


def test_completed_after_async_payment_succeeded_ends_paid_once(client, placed, stripe_standin):
    standin_post(stripe_standin, f"sessions/{placed.stripe_session_id}/pay-async?deliver=0")
    pending = standin_session(stripe_standin, placed.stripe_session_id)
    settled = standin_post(
        stripe_standin, f"sessions/{placed.stripe_session_id}/settle?outcome=succeeded"
    )

    # The bank's answer arrives before Checkout's own completion
    post_event(client, event("checkout.session.async_payment_succeeded", settled, "evt_async"))
    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.PAID
    post_event(client, event("checkout.session.completed", pending, "evt_completed"))

    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.PAID
    assert confirmations(placed) == 1


def test_an_async_payment_that_fails_cancels_and_releases(client, placed, stripe_standin, dress):
    standin_post(stripe_standin, f"sessions/{placed.stripe_session_id}/pay-async?deliver=0")
    completed = standin_session(stripe_standin, placed.stripe_session_id)
    post_event(client, event("checkout.session.completed", completed, "evt_c"))
    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.PENDING  # bank transfer still on its way

    failed = standin_post(
        stripe_standin, f"sessions/{placed.stripe_session_id}/settle?outcome=failed"
    )
    post_event(client, event("checkout.session.async_payment_failed", failed, "evt_f"))

    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.CANCELLED
    dress.refresh_from_db()
    assert dress.stock == 3


def test_expiry_releases_the_stock_once(client, placed, stripe_standin, dress):
    expired = standin_post(stripe_standin, f"sessions/{placed.stripe_session_id}/expire")
    for event_id in ("evt_x1", "evt_x2"):
        post_event(client, event("checkout.session.expired", expired, event_id))

    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.EXPIRED
    dress.refresh_from_db()
    assert dress.stock == 3
    assert BasketLine.objects.get().quantity == 2  # the shopper's basket is still there


def test_a_payment_that_does_not_match_the_order_is_not_fulfilled(client, placed, stripe_standin):
    standin_post(stripe_standin, f"sessions/{placed.stripe_session_id}/pay?deliver=0")
    Order.objects.filter(pk=placed.pk).update(total=Decimal("999.00"))  # Stripe took 200.00

    response = post_event(
        client,
        event(
            "checkout.session.completed", standin_session(stripe_standin, placed.stripe_session_id)
        ),
    )

    assert response.status_code == 200
    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.PENDING
    assert confirmations(placed) == 0


def test_unknown_event_types_are_acknowledged(client):
    response = post_event(client, event("customer.created", {"id": "cus_1"}, "evt_unknown"))
    assert response.status_code == 200
    assert StripeEvent.objects.get().type == "customer.created"


def test_partial_then_full_refund_with_restock(client, placed, stripe_standin, dress):
    order = pay(client, stripe_standin, placed)
    line = order.lines.get()

    refunds.refund(order.pk, amount=Decimal("50.00"), restock={line.pk: 1}, key="first")
    order.refresh_from_db()
    assert (order.payment_status, order.refunded_total) == (
        PaymentStatus.PARTLY_REFUNDED,
        Decimal("50.00"),
    )
    dress.refresh_from_db()
    assert dress.stock == 2

    # Stripe tells us about it too: nothing changes
    post_event(client, event("charge.refunded", standin_charge(stripe_standin, order), "evt_r1"))
    assert Refund.objects.count() == 1

    refunds.refund(order.pk, amount=Decimal("150.00"), key="second")
    order.refresh_from_db()
    assert (order.payment_status, order.refunded_total) == (
        PaymentStatus.REFUNDED,
        Decimal("200.00"),
    )
    assert OutboxMessage.objects.filter(kind="orders/refunded").count() == 2

    with pytest.raises(services.CheckoutError):
        refunds.refund(order.pk, amount=Decimal("1.00"), key="third")


def test_a_refund_made_at_stripe_is_recorded_from_the_webhook(client, placed, stripe_standin):
    order = pay(client, stripe_standin, placed)

    payments.create_refund(
        payment_intent=order.stripe_payment_intent,
        amount=Decimal("20.00"),
        currency="usd",
        key="dashboard",
        order_number=order.number,
    )
    post_event(client, event("charge.refunded", standin_charge(stripe_standin, order), "evt_dash"))

    order.refresh_from_db()
    assert (order.payment_status, order.refunded_total) == (
        PaymentStatus.PARTLY_REFUNDED,
        Decimal("20.00"),
    )


def test_the_same_refund_submitted_twice_refunds_once(client, placed, stripe_standin):
    order = pay(client, stripe_standin, placed)
    refunds.refund(order.pk, amount=Decimal("30.00"), key="double-click")
    refunds.refund(order.pk, amount=Decimal("30.00"), key="double-click")
    order.refresh_from_db()
    assert order.refunded_total == Decimal("30.00")
    assert Refund.objects.count() == 1


def test_reconciliation_settles_orders_whose_webhooks_were_lost(client, dress, stripe_standin):
    # Given two shoppers' orders past their payment deadline whose events never came: one paid
    # at Stripe, one not
    fill_basket(client, dress, 1)
    check_out(client)
    paid = Order.objects.get()
    standin_post(stripe_standin, f"sessions/{paid.stripe_session_id}/pay?deliver=0")
    other = Client()
    fill_basket(other, dress, 1)
    check_out(other, email="other@example.com")
    unpaid = Order.objects.exclude(pk=paid.pk).get()
    Order.objects.update(expires_at=timezone.now() - timedelta(minutes=10))

    # When the reconciliation runs, then it settles both, and a second run finds nothing to do
    assert services.reconcile_pending() == {"paid": 1, "expired": 1, "waiting": 0, "failed": 0}
    paid.refresh_from_db()
    unpaid.refresh_from_db()
    assert (paid.payment_status, unpaid.payment_status) == (
        PaymentStatus.PAID,
        PaymentStatus.EXPIRED,
    )
    assert standin_session(stripe_standin, unpaid.stripe_session_id)["status"] == "expired"
    dress.refresh_from_db()
    assert dress.stock == 2
    assert services.reconcile_pending() == {"paid": 0, "expired": 0, "waiting": 0, "failed": 0}


CANCELLED = "Payment cancelled: nothing was charged, and your basket is as you left it."


def test_cancel_on_stripes_page_gives_the_stock_back(client, placed, stripe_standin, dress):
    response = client.get(reverse("checkout:cancel"), {"order": placed.number}, follow=True)

    assert response.redirect_chain == [(reverse("checkout:basket"), 302)]
    assert messages_of(response) == [CANCELLED]
    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.CANCELLED
    dress.refresh_from_db()
    assert dress.stock == 3
    assert standin_session(stripe_standin, placed.stripe_session_id)["status"] == "expired"


def test_someone_elses_cancel_link_does_nothing(placed, stripe_standin, dress):
    # Given a shopper's order awaiting payment, and a stranger with its cancel link
    stranger = Client()

    # When the stranger follows it
    response = stranger.get(reverse("checkout:cancel"), {"order": placed.number}, follow=True)

    # Then they land on their own basket, and the order, its stock and its session are untouched
    assert response.redirect_chain == [(reverse("checkout:basket"), 302)]
    assert messages_of(response) == [CANCELLED]
    placed.refresh_from_db()
    assert placed.payment_status == PaymentStatus.PENDING
    dress.refresh_from_db()
    assert dress.stock == 1
    assert standin_session(stripe_standin, placed.stripe_session_id)["status"] == "open"
