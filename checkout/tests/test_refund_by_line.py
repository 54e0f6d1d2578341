"""Refunds by line and quantity: each piece at what the shopper paid for it (its share of any
discount taken off), the shipping as a line of its own, a custom amount only as an explicit
choice, and a confirmation of what will be refunded and restocked (issue 11, item 4)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from checkout import refunds
from checkout.models import Order, PaymentStatus, Refund
from checkout.tests.factories import DiscountCodeFactory
from checkout.tests.helpers import check_out, fill_basket, pay
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def discounted(client, make_product, rates, stripe_standin) -> Order:
    """A paid order of 2 × 60.00 and 1 × 30.00 with 15.00 off (150.00 → 135.00) and standard
    shipping 6.00 (free shipping counts after the discount): 141.00 paid."""
    dress = make_product(title="Wrap Dress", price=Decimal("60.00"), stock={("M", "Black"): 5})
    belt = make_product(title="Linen Belt", price=Decimal("30.00"), stock={("S", "Ivory"): 5})
    DiscountCodeFactory(code="FIFTEEN", kind="fixed", value=Decimal("15.00"))
    fill_basket(client, dress.variants.get(), 2)
    fill_basket(client, belt.variants.get(), 1)
    assert check_out(client, discount_code="FIFTEEN").status_code == 303
    order = pay(client, stripe_standin, Order.objects.get())
    assert (order.total, order.discount_total, order.shipping_total) == (
        Decimal("141.00"),
        Decimal("15.00"),
        Decimal("6.00"),
    )
    return order


def lines_of(order) -> dict[str, int]:
    return {line.product_title: line.pk for line in order.lines.all()}


def test_a_piece_is_refunded_at_what_was_paid_for_it(discounted):
    # Given the order's lines: the dresses paid 108.00 (120.00 less 12.00 of the discount), the
    # belt 27.00
    states = {state.line.product_title: state for state in refunds.line_states(discounted)}
    assert (states["Wrap Dress"].paid, states["Linen Belt"].paid) == (
        Decimal("108.00"),
        Decimal("27.00"),
    )

    # When one dress is refunded, then the shipping, then the last dress and the belt
    lines = lines_of(discounted)
    one = refunds.plan_refund(
        discounted, quantities={lines["Wrap Dress"]: 1}, restock={lines["Wrap Dress"]: 1}
    )
    assert (one.amount, one.restock) == (Decimal("54.00"), {lines["Wrap Dress"]: 1})
    refunds.refund_plan(one, key="one", by=None)
    shipping = refunds.plan_refund(discounted, quantities={}, restock={}, shipping=True)
    assert shipping.amount == Decimal("6.00")
    refunds.refund_plan(shipping, key="shipping", by=None)
    rest = refunds.plan_refund(
        discounted, quantities={lines["Wrap Dress"]: 1, lines["Linen Belt"]: 1}, restock={}
    )
    assert rest.amount == Decimal("81.00")
    refunds.refund_plan(rest, key="rest", by=None)

    # Then everything paid came back, to the cent, and the order says so
    discounted.refresh_from_db()
    assert (discounted.refunded_total, discounted.payment_status) == (
        Decimal("141.00"),
        PaymentStatus.REFUNDED,
    )
    assert [
        (
            refund.amount,
            refund.shipping_amount,
            [(item.quantity, item.amount) for item in refund.lines.all()],
        )
        for refund in Refund.objects.order_by("pk")
    ] == [
        (Decimal("54.00"), Decimal("0.00"), [(1, Decimal("54.00"))]),
        (Decimal("6.00"), Decimal("6.00"), []),
        (Decimal("81.00"), Decimal("0.00"), [(1, Decimal("54.00")), (1, Decimal("27.00"))]),
    ]


def test_what_was_refunded_cannot_be_refunded_again(discounted):
    lines = lines_of(discounted)
    refunds.refund_plan(
        refunds.plan_refund(discounted, quantities={lines["Linen Belt"]: 1}, restock={}), key="a"
    )

    with pytest.raises(refunds.RefundInvalid) as refused:
        refunds.plan_refund(discounted, quantities={lines["Linen Belt"]: 1}, restock={})

    assert refused.value.message == "Only 0 of Linen Belt (S, Ivory) can still be refunded."
    assert refused.value.field == f"refund-{lines['Linen Belt']}"


def test_a_custom_amount_is_an_explicit_choice_within_what_is_left(discounted):
    goodwill = refunds.plan_refund(
        discounted, quantities={}, restock={}, custom_amount=Decimal("10.00"), reason="Late"
    )
    assert (goodwill.amount, goodwill.lines) == (Decimal("10.00"), [])

    with pytest.raises(refunds.RefundInvalid) as refused:
        refunds.plan_refund(discounted, quantities={}, restock={}, custom_amount=Decimal("200"))
    assert refused.value.message == "The refund must be at most $141.00, what is left to refund."


# The admin's two steps ---------------------------------------------------------------------------


def refund_page(client, order):
    response = client.get(reverse("orders:refund", args=[order.pk]))
    assert response.status_code == 200
    return querydict_from_html(response.content.decode(), form_id="refund-form")


def test_a_merchandiser_refunds_one_line_after_confirming(client, staff, discounted):
    client.force_login(staff["merchandiser"])
    lines = lines_of(discounted)

    # Given the refund page, nothing ticked or typed yet (no amount prefilled)
    data = refund_page(client, discounted)
    assert data["mode"] == "lines"
    assert data["amount"] == ""

    # When they ask for one dress back on sale and refunded, and review
    data[f"refund-{lines['Wrap Dress']}"] = "1"
    data[f"restock-{lines['Wrap Dress']}"] = "1"
    data["review"] = ""
    review = client.post(reverse("orders:refund", args=[discounted.pk]), data)

    # Then they see what will be refunded and restocked, and nothing has happened yet
    page = soup_of(review)
    assert page.select_one("h2").get_text() == "Refund $54.00 to the shopper's card?"
    assert [
        [cell.get_text(strip=True) for cell in row.select("th, td")]
        for row in page.select("table.listing tbody tr")
    ] == [["1 × Wrap Dress – M, Black", "$54.00", "1"]]
    assert Refund.objects.count() == 0

    # When they confirm (twice, by a double click)
    confirm = querydict_from_html(review.content.decode(), form_id="refund-confirm-form")
    confirm["confirm"] = ""
    for _ in range(2):
        response = client.post(reverse("orders:refund", args=[discounted.pk]), confirm)
        assert response.status_code == 302

    # Then one refund of 54.00 went through Stripe, and the dress is back on sale
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.restocked) == (Decimal("54.00"), "succeeded", True)
    line = discounted.lines.get(pk=lines["Wrap Dress"])
    assert (line.restocked_quantity, line.variant.stock) == (1, 4)


def test_the_refund_page_explains_what_is_wrong_beside_the_field(client, staff, discounted):
    client.force_login(staff["merchandiser"])
    lines = lines_of(discounted)
    data = refund_page(client, discounted)
    data[f"refund-{lines['Linen Belt']}"] = "3"
    data["review"] = ""

    page = soup_of(client.post(reverse("orders:refund", args=[discounted.pk]), data))

    field = page.select_one(f"#id_refund-{lines['Linen Belt']}")
    assert field["aria-invalid"] == "true"
    assert "Ensure this value is less than or equal to 1." in page.get_text()
    assert Refund.objects.count() == 0
