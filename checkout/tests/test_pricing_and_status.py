"""Totals, discounts, shipping, the order status machine, and what an order allows now (which the
admin offers and the services refuse by)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from checkout import services
from checkout.exceptions import CheckoutError, DiscountInvalid, IllegalTransition
from checkout.models import TRANSITIONS, DiscountCode, OrderStatus
from checkout.pricing import check_discount, discount_amount, find_discount, spread_discount, totals
from checkout.tests.factories import an_order

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


def test_spread_discount_adds_up_to_the_cent():
    lines = [D("33.33"), D("33.33"), D("33.34")]
    spread = spread_discount(lines, D("10.00"))
    assert sum(spread) == D("90.00")
    assert spread_discount([D("10.00")], D("0")) == [D("10.00")]


def code(**fields) -> DiscountCode:
    defaults = {"code": "SPRING", "kind": "percent", "value": D("10"), "per_customer_limit": None}
    return DiscountCode.objects.create(**(defaults | fields))


def test_codes_are_found_in_any_case_and_only_when_active():
    code(code="Spring15")
    assert find_discount(" spring15 ").code == "SPRING15"
    code(code="OLD", active=False)
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
        check_discount(code(**fields), subtotal=D("100.00"), email="a@example.com")


def place_with(discount, email, status=OrderStatus.PAID):
    return an_order(
        email,
        subtotal=D("100"),
        shipping_total=D("0"),
        total=D("90"),
        discount_code=discount,
        status=status,
    )


def test_total_and_per_customer_limits_count_live_orders_only():
    limited = code(usage_limit=2, per_customer_limit=1)
    place_with(limited, "ann@example.com")
    with pytest.raises(DiscountInvalid, match=re.escape("You have already used this code.")):
        check_discount(limited, subtotal=D("100"), email="ANN@example.com")
    place_with(
        limited, "bob@example.com", status=OrderStatus.EXPIRED
    )  # an expired order used nothing
    check_discount(limited, subtotal=D("100"), email="cat@example.com")
    place_with(limited, "cat@example.com", status=OrderStatus.PENDING_PAYMENT)
    with pytest.raises(DiscountInvalid, match=re.escape("This code has been used up.")):
        check_discount(limited, subtotal=D("100"), email="dan@example.com")


def test_a_percentage_above_100_is_refused_by_the_database():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        code(code="TOOMUCH", value=D("150"))


LEGAL = {(start, end) for start, ends in TRANSITIONS.items() for end in ends}
ALL_MOVES = [(start, end) for start in OrderStatus.values for end in OrderStatus.values]


@pytest.mark.parametrize(("start", "end"), ALL_MOVES)
def test_every_status_move_is_legal_or_refused(start, end):
    order = place_with(None, "x@example.com", status=start)
    if (start, end) in LEGAL:
        order.move_to(end)
        assert order.status == end
        assert order.status_changes.get().to_status == end
    else:
        with pytest.raises(IllegalTransition):
            order.move_to(end)
        assert order.status == start
        assert not order.status_changes.exists()


def test_terminal_statuses_go_nowhere():
    for status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REFUNDED):
        assert TRANSITIONS[status] == set()


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
        return an_order("ann@example.com", status=status)

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
    order = an_order(
        "ann@example.com",
        status=S.PAID,
        discount_total=Decimal("80"),
        shipping_total=Decimal("0"),
        total=Decimal("0"),
    )

    # Then it offers no refund, and a refund is refused
    assert order.can_refund is False
    with pytest.raises(
        CheckoutError, match=r"^Nothing was paid for this order, so there is nothing to refund\.$"
    ):
        services.refund(order.pk, amount=Decimal("1.00"), key="k")
