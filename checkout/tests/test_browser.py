"""Shoppers in Chromium buy through the Stripe stand-in's page."""

import pytest
from allauth.account.models import EmailAddress

from accounts.models import Address, User
from checkout.models import Order, OrderStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long and unusual passphrase"


def add_to_basket(page, base_url, product):
    page.goto(base_url + product.url)
    page.locator(".picker__option").first.click()
    page.get_by_role("button", name="Add to basket").click()
    page.wait_for_url("**/basket/")


def test_a_guest_buys_a_dress(live_stripe, live_server, browser_page, home_page, make_product):
    product = make_product(title="Silk Slip Dress", stock={("M", "Black"): 2})
    page = browser_page
    add_to_basket(page, live_server.url, product)
    assert "1" in page.locator("[data-basket-count]").inner_text()

    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Email").fill("gina@example.com")
    page.get_by_label("Full name").fill("Gina Guest")
    page.get_by_label("Address", exact=True).fill("3 Bias Way")
    page.get_by_label("Postcode or ZIP").fill("97201")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("Country").select_option("US")
    page.get_by_role("button", name="Pay $106.00").click()

    # The stand-in's hosted page
    page.wait_for_url(live_stripe.url + "/pay/*")
    assert "106.00 USD" in page.content()
    page.get_by_role("button", name="Pay", exact=True).click()

    page.wait_for_url("**/checkout/success/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your order"
    order = Order.objects.get()
    assert order.number in page.locator(".lead").inner_text()
    live_stripe.wait_for_deliveries(1)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert "0" in page.locator("[data-basket-count]").inner_text()


def test_a_signed_in_shopper_buys_and_finds_the_order(
    live_stripe, live_server, browser_page, home_page, make_product
):
    shopper = User.objects.create_user("sara@example.com", password=PASSWORD, first_name="Sara")
    EmailAddress.objects.create(user=shopper, email=shopper.email, verified=True, primary=True)
    Address.objects.create(
        user=shopper,
        full_name="Sara Seam",
        line1="5 Pleat Place",
        city="Leeds",
        postcode="LS1 1AA",
        country="GB",
        is_default=True,
    )
    product = make_product(title="Linen Shirt Dress", stock={("S", "Ivory"): 1})
    page = browser_page

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(shopper.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/accounts/profile/")

    add_to_basket(page, live_server.url, product)
    page.get_by_role("link", name="Check out").click()
    assert page.get_by_label("Full name").input_value() == "Sara Seam"  # from the address book
    page.get_by_label("Express (next working day)").check()
    page.get_by_role("button", name="Pay").first.click()
    page.wait_for_url(live_stripe.url + "/pay/*")
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url("**/checkout/success/**")

    page.get_by_role("link", name="See your order").click()
    order = Order.objects.get()
    assert order.number in page.get_by_role("heading", level=1).inner_text()
    assert "Linen Shirt Dress" in page.content()
    page.get_by_role("link", name="All your orders").click()
    assert order.number in page.locator(".order-list").inner_text()
