"""Checkout: the order and its reservation are written in one go, priced by the server, and a
Stripe Checkout Session is opened on the stand-in through the real SDK."""

import time
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Address
from accounts.tests.factories import AddressFactory, UserFactory
from catalog.models import ProductVariant
from checkout.models import BasketLine, Order, PaymentStatus
from checkout.tests.factories import DiscountCodeFactory
from checkout.tests.helpers import GUEST, check_out, fill_basket, standin_session
from testing.pages import soup_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rates")]


def test_guest_checkout_reserves_stock_and_opens_a_stripe_session(client, dress, stripe_standin):
    fill_basket(client, dress, 2)

    started = time.monotonic()
    response = check_out(client)
    elapsed = time.monotonic() - started
    print(f"\ncheckout submit → 303 to Stripe: {elapsed * 1000:.0f} ms")

    assert response.status_code == 303
    order = Order.objects.get()
    assert response["Location"] == f"{stripe_standin.url}/pay/{order.stripe_session_id}"
    assert (
        order.payment_status,
        order.email,
        order.subtotal,
        order.shipping_total,
        order.total,
    ) == (
        PaymentStatus.PENDING,
        "gail@example.com",
        Decimal("200.00"),
        Decimal("0.00"),
        Decimal("200.00"),
    )
    line = order.lines.get()
    assert (
        line.product_title,
        line.size,
        line.colour,
        line.sku,
        line.unit_price,
        line.quantity,
        line.line_total,
    ) == ("Wrap Dress", "M", "Black", dress.sku, Decimal("100.00"), 2, Decimal("200.00"))
    dress.refresh_from_db()
    assert dress.stock == 1  # reserved
    assert BasketLine.objects.get().quantity == 2  # the basket stays until payment

    session = standin_session(stripe_standin, order.stripe_session_id)
    assert session["amount_total"] == 20000
    assert session["currency"] == "usd"
    assert session["customer_email"] == "gail@example.com"
    assert session["client_reference_id"] == order.number
    assert session["metadata"] == {"order_number": order.number}
    assert 30 * 60 <= session["expires_at"] - session["created"] <= 31 * 60
    assert session["success_url"].endswith("/checkout/success/?session_id={CHECKOUT_SESSION_ID}")


def test_shipping_and_a_discount_reach_stripe_to_the_cent(client, make_product, stripe_standin):
    DiscountCodeFactory(code="THIRD", kind="percent", value=Decimal("33.33"))
    variant = make_product(
        title="Odd Dress", price=Decimal("33.33"), stock={("M", "Black"): 5}
    ).variants.get()
    fill_basket(client, variant, 3)

    response = check_out(client, discount_code="third", shipping_method="express")

    assert response.status_code == 303
    order = Order.objects.get()
    assert order.discount_total == Decimal("33.33")
    assert order.total == Decimal("99.99") - Decimal("33.33") + Decimal("15.00")
    session = standin_session(stripe_standin, order.stripe_session_id)
    assert session["amount_total"] == 8166


def test_prices_and_totals_in_the_form_are_ignored(client, dress, stripe_standin):
    fill_basket(client, dress, 1)
    check_out(
        client, price="0.01", total="0.01", unit_price="0.01", subtotal="0.01", discount_total="99"
    )
    order = Order.objects.get()
    assert order.total == Decimal("106.00")
    assert standin_session(stripe_standin, order.stripe_session_id)["amount_total"] == 10600


def test_bad_details_are_explained_and_nothing_is_saved(client, dress, stripe_standin):
    fill_basket(client, dress, 1)
    response = check_out(
        client, email="not-an-email", postcode="", country="ZZ", shipping_method="teleport"
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "email": ["Enter a valid email address."],
        "postcode": ["This field is required."],
        "country": ["Select a valid choice. ZZ is not one of the available choices."],
        "shipping_method": ["Select a valid choice. teleport is not one of the available choices."],
    }
    assert not Order.objects.exists()
    dress.refresh_from_db()
    assert dress.stock == 3


def test_a_discount_code_that_does_not_apply_is_explained(client, dress, stripe_standin):
    fill_basket(client, dress, 1)
    response = check_out(client, discount_code="NOPE")
    assert response.status_code == 200
    assert "“NOPE” is not a discount code we know." in response.content.decode()
    assert not Order.objects.exists()

    DiscountCodeFactory(
        code="BIG", kind="fixed", value=Decimal("10"), minimum_subtotal=Decimal("500")
    )
    response = check_out(client, discount_code="big", pay="", apply_code="1")
    assert response.status_code == 200
    assert "This code needs a subtotal of at least $500.00." in response.content.decode()
    assert not Order.objects.exists()


def test_apply_shows_the_discounted_summary_without_placing_an_order(client, dress, stripe_standin):
    DiscountCodeFactory(code="TEN", kind="percent", value=Decimal("10"))
    fill_basket(client, dress, 2)
    soup = soup_of(check_out(client, discount_code="ten", apply_code="1"))
    assert soup.select_one(".totals__discount dd").get_text() == "−$20.00"
    assert soup.select_one(".totals__total dd").get_text() == "$180.00"
    assert not Order.objects.exists()


def test_stripe_down_releases_the_stock_and_keeps_the_basket(client, dress, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:1"  # nothing listens there
    fill_basket(client, dress, 2)

    response = check_out(client)

    assert response.status_code == 503
    assert "We could not reach our payment provider just now" in response.content.decode()
    order = Order.objects.get()
    assert order.payment_status == PaymentStatus.CANCELLED
    dress.refresh_from_db()
    assert dress.stock == 3
    assert BasketLine.objects.get().quantity == 2


def test_a_line_that_sold_out_blocks_checkout_with_a_message(client, dress, stripe_standin):
    fill_basket(client, dress, 2)
    ProductVariant.objects.filter(pk=dress.pk).update(stock=1)
    response = check_out(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("checkout:basket")
    assert not Order.objects.exists()
    told = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    assert told[-1] == (
        "error",
        "Some pieces in your basket are sold out or short. "
        "Please remove them or lower the quantity first.",
    )


def test_stock_taken_between_basket_and_payment_is_caught(
    client, dress, stripe_standin, monkeypatch
):
    # The basket page saw 3; by the time the order is placed only 1 is left
    from checkout import basket

    fill_basket(client, dress, 2)
    real_contents_of = basket.contents_of

    def stale_contents_of(b):
        contents = real_contents_of(b)
        ProductVariant.objects.filter(pk=dress.pk).update(stock=1)
        return contents

    monkeypatch.setattr(basket, "contents_of", stale_contents_of)
    response = client.post(reverse("checkout:checkout"), GUEST, follow=True)
    assert (
        "Only 1 of Wrap Dress in M, Black are left. Please lower the quantity."
        in response.content.decode()
    )
    assert not Order.objects.exists()


def test_a_signed_in_shopper_gets_their_default_address_and_may_save_a_new_one(
    client, dress, stripe_standin
):
    shopper = UserFactory(email="sam@example.com")
    AddressFactory(
        user=shopper,
        full_name="Sam Saved",
        line1="9 Hem Street",
        city="Leeds",
        region="",
        postcode="LS1 1AA",
        country="GB",
        is_default=True,
    )
    client.force_login(shopper)
    fill_basket(client, dress, 1)

    form = client.get(reverse("checkout:checkout")).context["form"]
    assert form.initial["full_name"] == "Sam Saved"
    assert form.initial["country"] == "GB"
    assert form.fields["email"].disabled

    response = check_out(
        client,
        email="someone-else@example.com",
        full_name="Sam New",
        line1="1 New Road",
        save_address="on",
    )
    assert response.status_code == 303
    order = Order.objects.get()
    assert (order.user, order.email, order.ship_name) == (shopper, "sam@example.com", "Sam New")
    assert list(shopper.addresses.order_by("created_at").values_list("line1", "is_default")) == [
        ("9 Hem Street", True),
        ("1 New Road", False),
    ]


def test_an_empty_basket_cannot_check_out(client):
    response = client.get(reverse("checkout:checkout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("checkout:basket")
    assert [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)] == [
        ("info", "Your basket is empty.")
    ]


def test_checkout_asks_for_the_address_as_the_address_book_does(client, dress, stripe_standin):
    # Given a signed-in shopper with a basket
    client.force_login(UserFactory())
    fill_basket(client, dress, 1)

    # When they open checkout and the address book's new-address page
    def postal_fields(url: str) -> list[tuple]:
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        fields = [soup.select_one(f"[name={name}]") for name in Address.POSTAL_FIELDS]
        return [
            (
                soup.select_one(f"label[for={field['id']}]").get_text(" ", strip=True),
                field.name,
                field["name"],
                field.get("autocomplete"),
                field.get("maxlength"),
            )
            for field in fields
        ]

    at_checkout = postal_fields(reverse("checkout:checkout"))
    in_the_book = postal_fields(reverse("accounts:address_add"))

    # Then both ask for the same fields, labelled and hinted alike
    assert at_checkout == in_the_book
    assert at_checkout[0] == ("Full name", "input", "full_name", "name", "120")


def test_a_bad_phone_number_is_refused_as_in_the_address_book(client, dress, stripe_standin):
    fill_basket(client, dress, 1)
    response = check_out(client, phone="call me maybe")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "phone": ["Enter a phone number with digits, spaces and an optional leading +."]
    }
    assert not Order.objects.exists()
