"""Shoppers in Chromium buy through the Stripe stand-in's page."""

import pytest

from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from checkout.models import Order, PaymentStatus
from testing.browser import add_to_basket, fill_address, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_guest_buys_a_dress(live_stripe, live_server, browser_page, home_page, make_product):
    # Given a dress with 2 left
    product = make_product(title="Silk Slip Dress", stock={("M", "Black"): 2})
    page = browser_page

    # When a guest adds it to the basket and checks out
    add_to_basket(page, live_server.url, product)
    assert page.locator("[data-basket-count]").text_content() == "1 items"
    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Email").fill("gina@example.com")
    fill_address(
        page, full_name="Gina Guest", line1="3 Bias Way", postcode="97201", city="Portland",
        country="US",
    )  # fmt: skip
    page.get_by_role("button", name="Pay $106.00").click()

    # And pays on the stand-in's hosted page
    page.wait_for_url(live_stripe.url + "/pay/*")
    assert "106.00 USD" in page.content()
    page.get_by_role("button", name="Pay", exact=True).click()

    # Then she is thanked for the order, which Stripe's event marks paid, and her basket is empty
    page.wait_for_url("**/checkout/success/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your order"
    order = Order.objects.get()
    assert order.number in page.locator(".lead").inner_text()
    live_stripe.wait_for_deliveries(1)
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert page.locator("[data-basket-count]").text_content() == "0 items"


def test_a_signed_in_shopper_buys_and_finds_the_order(
    live_stripe, live_server, browser_page, home_page, make_product
):
    # Given Sara, with a default address in Leeds, and a dress with 1 left
    shopper = UserFactory(email="sara@example.com", first_name="Sara")
    AddressFactory(
        user=shopper, full_name="Sara Seam", line1="5 Pleat Place", city="Leeds", region="",
        postcode="LS1 1AA", country="GB", is_default=True,
    )  # fmt: skip
    product = make_product(title="Linen Shirt Dress", stock={("S", "Ivory"): 1})
    page = browser_page

    # When she signs in, adds the dress and checks out by express, her address filled in
    sign_in(page, live_server.url, shopper.email, PASSWORD)
    add_to_basket(page, live_server.url, product)
    page.get_by_role("link", name="Check out").click()
    assert page.get_by_label("Full name").input_value() == "Sara Seam"  # from the address book
    page.get_by_label("Express (next working day)").check()
    page.get_by_role("button", name="Pay").first.click()
    page.wait_for_url(live_stripe.url + "/pay/*")
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url("**/checkout/success/**")

    # Then she finds the order on its page and in her history
    page.get_by_role("link", name="See your order").click()
    order = Order.objects.get()
    assert order.number in page.get_by_role("heading", level=1).inner_text()
    assert "Linen Shirt Dress" in page.content()
    page.get_by_role("link", name="All your orders").click()
    assert order.number in page.locator(".order-list").inner_text()
