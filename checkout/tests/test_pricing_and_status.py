"""Totals, discounts, shipping, the order status machine, and what an order allows now (which the
admin offers and the services refuse by)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from checkout import refunds, services
from checkout.exceptions import CheckoutError, DiscountInvalid, IllegalTransition
from checkout.models import DiscountCode, FulfilmentStatus, PaymentStatus
from checkout.pricing import check_discount, discount_amount, find_discount, spread_discount, totals
from checkout.tests.factories import DiscountCodeFactory, OrderFactory

pytestmark = pytest.mark.django_db
D = Decimal
P, F = PaymentStatus, FulfilmentStatus


def test_standard_shipping_is_free_from_the_threshold_after_discount(rates):
    assert totals(subtotal=D("100.00"), discount=None, shipping_code="standard").total == D(
        "106.00"
    )
    assert totals(subtotal=D("150.00"), discount=None, shipping_code="standard").shipping == D(
        "0.00"
    )
    assert totals(subtotal=D("150.00"), discount=None, shipping_code="express").total == D("165.00")
    ten_off = DiscountCode(code="TEN", kind="fixed", value=D("10.00"))
    # 160 − 10 = 150: still free; 155 − 10 = 145: pays shipping
    assert totals(subtotal=D("160.00"), discount=ten_off, shipping_code="standard").total == D(
        "150.00"
    )
    assert totals(subtotal=D("155.00"), discount=ten_off, shipping_code="standard").total == D(
        "151.00"
    )


def test_percentage_and_fixed_discounts_never_exceed_the_subtotal():
    assert discount_amount(DiscountCode(kind="percent", value=D("15")), D("99.99")) == D("15.00")
    assert discount_amount(DiscountCode(kind="percent", value=D("100")), D("42.00")) == D("42.00")
    assert discount_amount(DiscountCode(kind="fixed", value=D("50.00")), D("30.00")) == D("30.00")
    assert discount_amount(None, D("30.00")) == D("0.00")


def test_spread_discount_shares_in_proportion_and_adds_up_to_the_cent():
    # 10.00 off 100.00 is 10% of each line, to the cent
    assert spread_discount([D("33.33"), D("33.33"), D("33.34")], D("10.00")) == [
        D("30.00"),
        D("30.00"),
        D("30.00"),
    ]
    # 1.00 off three lines of 10.00: 0.33 each, and the cent rounding left goes to the first of
    # the lines that lost most to it (all alike here), so the lines add up to 29.00
    assert spread_discount([D("10.00")] * 3, D("1.00")) == [D("9.66"), D("9.67"), D("9.67")]
    # Unequal lines: 5.00 off 1.00 + 2.00 + 7.00 gives 0.50, 1.00 and 3.50
    assert spread_discount([D("1.00"), D("2.00"), D("7.00")], D("5.00")) == [
        D("0.50"),
        D("1.00"),
        D("3.50"),
    ]
    assert spread_discount([D("10.00")], D("0")) == [D("10.00")]


def test_codes_are_found_in_any_case_and_only_when_active():
    DiscountCodeFactory(code="Spring15")
    assert find_discount(" spring15 ").code == "SPRING15"
    DiscountCodeFactory(code="OLD", active=False)
    with pytest.raises(DiscountInvalid, match=re.escape("“old” is not a discount code we know.")):
        find_discount("old")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"valid_from": timezone.now() + timedelta(days=1)}, "This code is not valid yet."),
        ({"valid_until": timezone.now() - timedelta(days=1)}, "This code has expired."),
        ({"minimum_subtotal": D("200.00")}, "This code needs a subtotal of at least $200.00."),
    ],
)
def test_discount_validity_window_and_minimum(fields, message):
    with pytest.raises(DiscountInvalid, match=re.escape(message)):
        check_discount(DiscountCodeFactory(**fields), subtotal=D("100.00"), email="a@example.com")


def test_total_and_per_customer_limits_count_live_orders_only():
    # Given a code for 2 uses in all, once per customer, used by Ann
    limited = DiscountCodeFactory(usage_limit=2, per_customer_limit=1)
    OrderFactory(email="ann@example.com", discount_code=limited)

    # Then Ann cannot use it again, in any case of her address
    with pytest.raises(DiscountInvalid, match=re.escape("You have already used this code.")):
        check_discount(limited, subtotal=D("100"), email="ANN@example.com")

    # And an order of Bob's that expired used nothing, so Cat may still use it
    OrderFactory(email="bob@example.com", discount_code=limited, payment_status=P.EXPIRED)
    check_discount(limited, subtotal=D("100"), email="cat@example.com")

    # But once Cat's order awaits payment, both uses are taken
    OrderFactory(email="cat@example.com", discount_code=limited, payment_status=P.PENDING)
    with pytest.raises(DiscountInvalid, match=re.escape("This code has been used up.")):
        check_discount(limited, subtotal=D("100"), email="dan@example.com")


def test_a_percentage_above_100_is_refused_by_the_database():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        DiscountCodeFactory(code="TOOMUCH", value=D("150"))


# The moves an order's two statuses may make, written out here rather than read from
# checkout.models, so that a change to the code's tables shows as a failure to be agreed with.
PAYMENT_LEGAL = {
    (P.PENDING, P.PAID),
    (P.PENDING, P.CANCELLED),
    (P.PENDING, P.EXPIRED),
    (P.PAID, P.PARTLY_REFUNDED),
    (P.PAID, P.REFUNDED),
    (P.PARTLY_REFUNDED, P.PARTLY_REFUNDED),  # a second part comes back
    (P.PARTLY_REFUNDED, P.REFUNDED),
    # Refunded, cancelled and expired payments go nowhere.
}
FULFILMENT_LEGAL = {
    (F.UNFULFILLED, F.SHIPPED),
    (F.SHIPPED, F.DELIVERED),
    (F.SHIPPED, F.RETURNED),
    (F.DELIVERED, F.RETURNED),
    # Returned pieces go nowhere.
}


@pytest.mark.parametrize(("start", "end"), [(a, b) for a in P.values for b in P.values])
def test_every_payment_move_is_legal_or_refused(start, end):
    order = OrderFactory(payment_status=start, fulfilment_status=F.UNFULFILLED)
    if (start, end) in PAYMENT_LEGAL:
        order.move_payment(end)
        assert (order.payment_status, order.fulfilment_status) == (end, F.UNFULFILLED)
        change = order.status_changes.get()
        assert (change.kind, change.from_status, change.to_status) == ("payment", start, end)
    else:
        with pytest.raises(IllegalTransition):
            order.move_payment(end)
        assert order.payment_status == start
        assert not order.status_changes.exists()


@pytest.mark.parametrize(("start", "end"), [(a, b) for a in F.values for b in F.values])
def test_every_fulfilment_move_is_legal_or_refused(start, end):
    order = OrderFactory(payment_status=P.PARTLY_REFUNDED, fulfilment_status=start)
    if (start, end) in FULFILMENT_LEGAL:
        order.move_fulfilment(end)
        assert (order.payment_status, order.fulfilment_status) == (P.PARTLY_REFUNDED, end)
        change = order.status_changes.get()
        assert (change.kind, change.from_status, change.to_status) == ("fulfilment", start, end)
    else:
        with pytest.raises(IllegalTransition):
            order.move_fulfilment(end)
        assert order.fulfilment_status == start
        assert not order.status_changes.exists()


# What an order allows ------------------------------------------------------------------------

# (payment, fulfilment): (can ship, can refund, can cancel), with nothing refunded yet but where
# the payment says so
ALLOWED = {
    (P.PENDING, F.UNFULFILLED): (False, False, True),
    (P.PAID, F.UNFULFILLED): (True, True, False),
    (P.PARTLY_REFUNDED, F.UNFULFILLED): (True, True, False),
    (P.PAID, F.SHIPPED): (False, True, False),
    (P.PARTLY_REFUNDED, F.SHIPPED): (False, True, False),
    (P.PAID, F.DELIVERED): (False, True, False),
    (P.PAID, F.RETURNED): (False, True, False),
    (P.REFUNDED, F.UNFULFILLED): (False, False, False),
    (P.REFUNDED, F.SHIPPED): (False, False, False),
    (P.CANCELLED, F.UNFULFILLED): (False, False, False),
    (P.EXPIRED, F.UNFULFILLED): (False, False, False),
}


@pytest.mark.parametrize(("payment", "fulfilment"), list(ALLOWED))
def test_an_order_allows_what_the_services_do(payment, fulfilment):
    # Given orders in these statuses (one per action, since each action changes the order)
    def order():
        return OrderFactory(payment_status=payment, fulfilment_status=fulfilment)

    shipped, cancelled, refunded = order(), order(), order()
    can_ship, can_refund, can_cancel = ALLOWED[(payment, fulfilment)]

    # Then each says what it allows
    assert (shipped.can_ship, refunded.can_refund, cancelled.can_cancel) == (
        can_ship,
        can_refund,
        can_cancel,
    )

    # And the services do exactly that, refusing the rest with a sentence
    if can_ship:
        done = services.mark_shipped(shipped.pk, tracking_number="1Z")
        assert (done.payment_status, done.fulfilment_status) == (payment, F.SHIPPED)
    else:
        with pytest.raises(CheckoutError) as refused:
            services.mark_shipped(shipped.pk, tracking_number="1Z")
        assert refused.value.message == (
            f"Order {shipped.number} is already marked shipped; the shopper was told then."
            if fulfilment != F.UNFULFILLED
            else f"Only a paid order is shipped; order {shipped.number} is "
            f"{P(payment).label.lower()}."
        )
    if can_cancel:
        assert services.cancel_unpaid(cancelled.pk).payment_status == P.CANCELLED
    else:
        with pytest.raises(CheckoutError, match="Only an order awaiting payment can be cancelled"):
            services.cancel_unpaid(cancelled.pk)
    if not can_refund:  # (refunds that are allowed go to Stripe: see test_payments)
        refusal = (
            r"^This order is refunded in full: there is nothing left to refund\.$"
            if payment == P.REFUNDED
            else r"^Only a paid order can be refunded\.$"
        )
        with pytest.raises(CheckoutError, match=refusal):
            refunds.refund(refunded.pk, amount=Decimal("1.00"), key="k")


def test_a_paid_order_that_cost_nothing_cannot_be_refunded():
    # Given a paid order that cost nothing (a code for 100% off, free shipping)
    order = OrderFactory(
        payment_status=P.PAID, discount_total=Decimal("80.00"), shipping_total=Decimal("0.00")
    )
    assert order.total == Decimal("0.00")

    # Then it offers no refund, and a refund is refused
    assert order.can_refund is False
    with pytest.raises(
        CheckoutError, match=r"^Nothing was paid for this order, so there is nothing to refund\.$"
    ):
        refunds.refund(order.pk, amount=Decimal("1.00"), key="k")
