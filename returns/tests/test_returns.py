"""Returns and exchanges, by the service: within the window after shipping, never more than was
sold nor refunded beyond what was paid, exchanges held at once and shipped as new orders at no
charge, each step a status change with history and a mail (issue 13, part 3)."""

import threading
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.test import override_settings
from django.utils import timezone

from checkout.models import FulfilmentStatus, Order, PaymentStatus, Refund, ShippingSettings
from checkout.tests.factories import DiscountCodeFactory
from checkout.tests.helpers import check_out, fill_basket, pay
from mail.models import OutboxMessage
from returns import services
from returns.models import RETURN_MOVES, Return, ReturnStatus
from returns.tests.helpers import asked, shipped_order

pytestmark = pytest.mark.django_db
R = ReturnStatus


@pytest.fixture
def wardrobe(make_product):
    """A wrap dress in M and L black (5 each) at 100.00, and a belt in S ivory at 30.00."""
    dress = make_product(title="Wrap Dress", stock={("M", "Black"): 5, ("L", "Black"): 5})
    belt = make_product(title="Linen Belt", price=Decimal("30.00"), stock={("S", "Ivory"): 5})
    return {
        "M": dress.variants.get(size__name="M"),
        "L": dress.variants.get(size__name="L"),
        "belt": belt.variants.get(),
    }


@pytest.fixture
def order(client, ann, wardrobe, stripe_standin) -> Order:
    """Ann's shipped order of 2 dresses in M and a belt: 230.00, shipped free."""
    return shipped_order(client, stripe_standin, (wardrobe["M"], 2), (wardrobe["belt"], 1))


def lines(order) -> dict[str, object]:
    return {line.product_title: line for line in order.lines.all()}


def stock_of(variant) -> int:
    variant.refresh_from_db()
    return variant.stock


# The window and what may be returned -------------------------------------------------------------


def test_pieces_can_be_returned_once_shipped_and_for_thirty_days(order):
    assert services.why_not_returnable(order) == ""

    order.shipped_at = timezone.now() - timedelta(days=30, minutes=1)
    order.save(update_fields=["shipped_at"])
    ended = timezone.localtime(order.shipped_at + timedelta(days=30)).strftime("%-d %B %Y")
    assert services.why_not_returnable(order) == (
        f"The 30 days to return this order ended on {ended}."
    )


@override_settings(RETURN_WINDOW_DAYS=60)
def test_the_window_is_a_setting(order):
    order.shipped_at = timezone.now() - timedelta(days=45)
    order.save(update_fields=["shipped_at"])
    assert services.why_not_returnable(order) == ""


def test_an_order_not_shipped_cannot_be_returned(client, ann, wardrobe, stripe_standin):
    fill_basket(client, wardrobe["M"], 1)
    check_out(client)
    paid = pay(client, stripe_standin, Order.objects.get())
    assert services.why_not_returnable(paid) == "Pieces can be returned once the order has shipped."


# Asking for a return ------------------------------------------------------------------------------


def test_a_shopper_returns_one_line_and_exchanges_another(order, wardrobe):
    # When Ann sends one dress back for a refund and the belt... and one dress for an L
    dress, belt = lines(order)["Wrap Dress"], lines(order)["Linen Belt"]
    ret = services.request_return(
        order,
        lines=[
            asked(dress, 1, reason="too_small", exchange=wardrobe["L"]),
            asked(belt, 1, reason="faulty"),
        ],
    )

    # Then the return is booked with a number, the L is held for her at once, and she is mailed
    assert ret.number.startswith("RT-")
    assert ret.status == R.REQUESTED
    assert [(line.quantity, line.reason, line.outcome) for line in ret.lines.all()] == [
        (1, "too_small", "exchange"),
        (1, "faulty", "refund"),
    ]
    assert stock_of(wardrobe["L"]) == 4
    mail = OutboxMessage.objects.get(kind="returns/requested")
    assert mail.subject == f"Your return {ret.number} is booked"
    assert f"/accounts/returns/{ret.number}/" in mail.text_body


def test_no_more_can_be_returned_than_was_sold(order, wardrobe):
    dress = lines(order)["Wrap Dress"]
    services.request_return(order, lines=[asked(dress, 2)])

    with pytest.raises(services.ReturnInvalid) as refused:
        services.request_return(order, lines=[asked(dress, 1)])

    assert refused.value.message == "You can return at most 0 of Wrap Dress."
    assert refused.value.field == f"quantity-{dress.pk}"
    assert Return.objects.count() == 1


def test_an_exchange_for_a_size_sold_out_meanwhile_offers_a_refund(order, wardrobe):
    # Given the L that Ann wants sells out while she fills in the form
    returnable = {item.line.pk: item for item in services.returnable_lines(order)}
    assert wardrobe["L"] in returnable[lines(order)["Wrap Dress"].pk].exchanges
    type(wardrobe["L"]).objects.filter(pk=wardrobe["L"].pk).update(stock=0)

    # When she asks for it
    with pytest.raises(services.ReturnInvalid) as refused:
        services.request_return(
            order, lines=[asked(lines(order)["Wrap Dress"], exchange=wardrobe["L"])]
        )

    # Then she is told to choose another or a refund, and nothing is booked
    assert refused.value.message == (
        "Please choose another size or colour of Wrap Dress that is in stock, or a refund."
    )
    assert not Return.objects.exists()


def test_an_exchange_is_for_the_same_product(order, wardrobe):
    with pytest.raises(services.ReturnInvalid):
        services.request_return(
            order, lines=[asked(lines(order)["Wrap Dress"], exchange=wardrobe["belt"])]
        )


# Receiving it -----------------------------------------------------------------------------------


def test_received_pieces_are_restocked_refunded_and_exchanged(order, wardrobe, stripe_standin):
    # Given a return of one dress for an L, and the belt for a refund
    dress, belt = lines(order)["Wrap Dress"], lines(order)["Linen Belt"]
    ret = services.request_return(
        order, lines=[asked(dress, 1, exchange=wardrobe["L"]), asked(belt, 1)]
    )
    exchange_line, refund_line = ret.lines.all()

    # When the merchandiser receives both
    receipt = services.receive(ret, quantities={exchange_line.pk: 1, refund_line.pk: 1})

    # Then the pieces are back on sale, the belt is refunded at what was paid, through Stripe
    assert (stock_of(wardrobe["M"]), stock_of(wardrobe["belt"]), stock_of(wardrobe["L"])) == (
        4,
        5,
        4,
    )
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.reason) == (
        Decimal("30.00"),
        "succeeded",
        ret.number,
    )
    assert ("POST", "/v1/refunds") in stripe_standin.api_calls
    # And the exchange is a new order at no charge, paid, to ship like any other
    [exchange] = receipt.exchange_orders
    assert (exchange.total, exchange.payment_status, exchange.fulfilment_status) == (
        Decimal("0.00"),
        PaymentStatus.PAID,
        FulfilmentStatus.UNFULFILLED,
    )
    assert [(line.sku, line.quantity) for line in exchange.lines.all()] == [(wardrobe["L"].sku, 1)]
    assert exchange in Order.objects.to_ship()
    # And the return is received, the shopper told, the original order partly refunded
    ret.refresh_from_db()
    order.refresh_from_db()
    assert ret.status == R.RECEIVED
    assert order.payment_status == PaymentStatus.PARTLY_REFUNDED
    assert OutboxMessage.objects.filter(kind="returns/received").count() == 1


def test_a_whole_order_back_is_refunded_with_its_shipping_and_marked_returned(
    client, ann, wardrobe, stripe_standin, rates
):
    # Given an order of one belt (30.00 + 6.00 shipping), shipped, and a code for 5.00 off
    DiscountCodeFactory(code="FIVE", kind="fixed", value=Decimal("5.00"))
    fill_basket(client, wardrobe["belt"], 1)
    check_out(client, discount_code="FIVE")
    from checkout import services as checkout_services

    order = checkout_services.mark_shipped(
        pay(client, stripe_standin, Order.objects.get()).pk, tracking_number="1Z2"
    )
    assert order.total == Decimal("31.00")

    # When it all comes back, with the store refunding shipping on a whole return
    ret = services.request_return(order, lines=[asked(order.lines.get())])
    services.receive(ret, quantities={ret.lines.get().pk: 1})

    # Then the shopper gets back what they paid: 25.00 for the belt, 6.00 of shipping
    refund = Refund.objects.get()
    assert (refund.amount, refund.shipping_amount) == (Decimal("31.00"), Decimal("6.00"))
    order.refresh_from_db()
    assert (order.payment_status, order.fulfilment_status) == (
        PaymentStatus.REFUNDED,
        FulfilmentStatus.RETURNED,
    )


def test_the_store_may_keep_the_shipping(client, ann, wardrobe, stripe_standin, rates):
    ShippingSettings.objects.filter(pk=1).update(
        refund_shipping_on_return=ShippingSettings.ReturnShipping.NEVER
    )
    fill_basket(client, wardrobe["belt"], 1)
    check_out(client)
    from checkout import services as checkout_services

    order = checkout_services.mark_shipped(
        pay(client, stripe_standin, Order.objects.get()).pk, tracking_number="1Z2"
    )
    ret = services.request_return(order, lines=[asked(order.lines.get())])
    services.receive(ret, quantities={ret.lines.get().pk: 1})

    assert Refund.objects.get().amount == Decimal("30.00")


def test_pieces_arrive_in_parts_and_no_more_than_were_sent(order):
    ret = services.request_return(order, lines=[asked(lines(order)["Wrap Dress"], 2)])
    line = ret.lines.get()

    services.receive(ret, quantities={line.pk: 1})
    ret.refresh_from_db()
    assert ret.status == R.PARTLY_RECEIVED
    with pytest.raises(services.ReturnInvalid) as refused:
        services.receive(ret, quantities={line.pk: 2})
    assert refused.value.message == "Only 1 of Wrap Dress are still to come."

    services.receive(ret, quantities={line.pk: 1})
    ret.refresh_from_db()
    assert (ret.status, ret.lines.get().received_quantity) == (R.RECEIVED, 2)
    assert sum(Refund.objects.values_list("amount", flat=True)) == Decimal("200.00")
    assert lines(order)["Wrap Dress"].restocked_quantity == 2


def test_a_return_is_called_off_before_anything_arrives(order, wardrobe):
    ret = services.request_return(
        order, lines=[asked(lines(order)["Wrap Dress"], 1, exchange=wardrobe["L"])]
    )
    assert stock_of(wardrobe["L"]) == 4

    services.cancel_return(ret)

    ret.refresh_from_db()
    assert ret.status == R.CANCELLED
    assert stock_of(wardrobe["L"]) == 5
    # And the shopper is told, once
    mail = OutboxMessage.objects.get(kind="returns/cancelled")
    assert mail.to == order.email
    assert mail.subject == f"Your return {ret.number} is called off"
    assert "Wrap Dress" in mail.text_body
    # And its pieces may be returned again
    assert services.request_return(order, lines=[asked(lines(order)["Wrap Dress"], 2)])


def test_a_return_that_began_to_arrive_is_not_called_off(order):
    ret = services.request_return(order, lines=[asked(lines(order)["Wrap Dress"], 2)])
    services.receive(ret, quantities={ret.lines.get().pk: 1})

    with pytest.raises(services.ReturnInvalid):
        services.cancel_return(ret)


# The status machine -------------------------------------------------------------------------

LEGAL = {
    (R.REQUESTED, R.PARTLY_RECEIVED),
    (R.REQUESTED, R.RECEIVED),
    (R.REQUESTED, R.CANCELLED),
    (R.PARTLY_RECEIVED, R.PARTLY_RECEIVED),
    (R.PARTLY_RECEIVED, R.RECEIVED),
}


def test_the_moves_are_the_ones_written_here():
    assert {(a, b) for a, ends in RETURN_MOVES.items() for b in ends} == LEGAL


@pytest.mark.parametrize(("start", "end"), [(a, b) for a in R.values for b in R.values])
def test_every_return_move_is_legal_or_refused(order, start, end):
    from checkout.exceptions import IllegalTransition

    ret = Return.objects.create(order=order, status=start)
    if (start, end) in LEGAL:
        ret.move_to(end)
        assert ret.status == end
        assert [(c.from_status, c.to_status) for c in ret.status_changes.all()] == [(start, end)]
    else:
        with pytest.raises(IllegalTransition):
            ret.move_to(end)
        assert ret.status == start
        assert not ret.status_changes.exists()


# Two staff at once --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_staff_receiving_the_same_return_at_once_restock_once(
    client, ann, wardrobe, stripe_standin
):
    # Given a return of two dresses
    order = shipped_order(client, stripe_standin, (wardrobe["M"], 2))
    ret = services.request_return(order, lines=[asked(order.lines.get(), 2)])
    line = ret.lines.get()
    start = threading.Barrier(2)
    outcomes = Counter()

    def receive():
        start.wait()
        try:
            services.receive(Return.objects.get(pk=ret.pk), quantities={line.pk: 2})
            outcomes["received"] += 1
        except services.ReturnInvalid:
            outcomes["refused"] += 1
        except Exception as error:  # a deadlock or a double refund would land here
            outcomes[type(error).__name__] += 1
        finally:
            connections.close_all()

    # When two merchandisers mark it received at the same moment
    threads = [threading.Thread(target=receive) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then one receipt counts: stock up by 2, one refund of 200.00
    assert outcomes == {"received": 1, "refused": 1}
    assert stock_of(wardrobe["M"]) == 5
    assert list(Refund.objects.values_list("amount", flat=True)) == [Decimal("200.00")]
    assert order.lines.get().restocked_quantity == 2
