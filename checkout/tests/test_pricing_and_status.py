"""Totals, discounts, shipping, the order status machine, and what an order allows now (which the
admin offers and the services refuse by)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from checkout import services
from checkout.exceptions import CheckoutError, DiscountInvalid, IllegalTransition
from checkout.models import DiscountCode, OrderStatus
from checkout.pricing import check_discount, discount_amount, find_discount, spread_discount, totals
from checkout.tests.factories import DiscountCodeFactory, OrderFactory

pytestmark = pytest.mark.django_db
D = Decimal
S = OrderStatus


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
    OrderFactory(email="bob@example.com", discount_code=limited, status=OrderStatus.EXPIRED)
    check_discount(limited, subtotal=D("100"), email="cat@example.com")

    # But once Cat's order awaits payment, both uses are taken
    OrderFactory(email="cat@example.com", discount_code=limited, status=S.PENDING_PAYMENT)
    with pytest.raises(DiscountInvalid, match=re.escape("This code has been used up.")):
        check_discount(limited, subtotal=D("100"), email="dan@example.com")


def test_a_percentage_above_100_is_refused_by_the_database():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        DiscountCodeFactory(code="TOOMUCH", value=D("150"))


# The moves an order may make, written out here rather than read from checkout.models, so that
# a change to the code's table shows as a failure to be agreed with.
LEGAL = {
    (S.PENDING_PAYMENT, S.PAID),
    (S.PENDING_PAYMENT, S.CANCELLED),
    (S.PENDING_PAYMENT, S.EXPIRED),
    (S.PAID, S.SHIPPED),
    (S.PAID, S.PARTIALLY_REFUNDED),
    (S.PAID, S.REFUNDED),
    (S.PARTIALLY_REFUNDED, S.SHIPPED),
    (S.PARTIALLY_REFUNDED, S.PARTIALLY_REFUNDED),  # a second partial refund
    (S.PARTIALLY_REFUNDED, S.REFUNDED),
    (S.SHIPPED, S.DELIVERED),
    (S.SHIPPED, S.PARTIALLY_REFUNDED),
    (S.SHIPPED, S.REFUNDED),
    (S.DELIVERED, S.PARTIALLY_REFUNDED),
    (S.DELIVERED, S.REFUNDED),
    # Cancelled, expired and refunded orders go nowhere.
}
ALL_MOVES = [(start, end) for start in OrderStatus.values for end in OrderStatus.values]


@pytest.mark.parametrize(("start", "end"), ALL_MOVES)
def test_every_status_move_is_legal_or_refused(start, end):
    order = OrderFactory(status=start)
    if (start, end) in LEGAL:
        order.move_to(end)
        assert order.status == end
        assert order.status_changes.get().to_status == end
    else:
        with pytest.raises(IllegalTransition):
            order.move_to(end)
        assert order.status == start
        assert not order.status_changes.exists()


# What an order allows ------------------------------------------------------------------------

# status: (can ship, can refund, can cancel), for an order with nothing refunded yet
ALLOWED = {
    S.PENDING_PAYMENT: (False, False, True),
    S.PAID: (True, True, False),
    S.PARTIALLY_REFUNDED: (True, True, False),
    S.SHIPPED: (False, True, False),
    S.DELIVERED: (False, True, False),
    S.CANCELLED: (False, False, False),
    S.EXPIRED: (False, False, False),
    S.REFUNDED: (False, False, False),
}


def test_every_status_says_what_it_allows():
    assert set(ALLOWED) == set(S.values)


@pytest.mark.parametrize("status", list(ALLOWED))
def test_an_order_allows_what_the_services_do(status):
    # Given orders in `status` (one per action, since each action changes the order)
    def order():
        return OrderFactory(status=status)

    shipped, cancelled, refunded = order(), order(), order()
    can_ship, can_refund, can_cancel = ALLOWED[status]

    # Then each says what it allows
    assert (shipped.can_ship, refunded.can_refund, cancelled.can_cancel) == ALLOWED[status]

    # And the services do exactly that, refusing the rest
    if can_ship:
        assert services.mark_shipped(shipped.pk, tracking_number="1Z").status == S.SHIPPED
    else:
        with pytest.raises(IllegalTransition):
            services.mark_shipped(shipped.pk, tracking_number="1Z")
    if can_cancel:
        assert services.cancel_unpaid(cancelled.pk).status == S.CANCELLED
    else:
        with pytest.raises(CheckoutError, match="Only an order awaiting payment can be cancelled"):
            services.cancel_unpaid(cancelled.pk)
    if not can_refund:  # (refunds that are allowed go to Stripe: see test_payments)
        refusal = (
            r"^This order is refunded in full: there is nothing left to refund\.$"
            if status == S.REFUNDED
            else r"^Only a paid order can be refunded\.$"
        )
        with pytest.raises(CheckoutError, match=refusal):
            services.refund(refunded.pk, amount=Decimal("1.00"), key="k")


def test_a_paid_order_that_cost_nothing_cannot_be_refunded():
    # Given a paid order that cost nothing (a code for 100% off, free shipping)
    order = OrderFactory(
        status=S.PAID, discount_total=Decimal("80.00"), shipping_total=Decimal("0.00")
    )
    assert order.total == Decimal("0.00")

    # Then it offers no refund, and a refund is refused
    assert order.can_refund is False
    with pytest.raises(
        CheckoutError, match=r"^Nothing was paid for this order, so there is nothing to refund\.$"
    ):
        services.refund(order.pk, amount=Decimal("1.00"), key="k")
