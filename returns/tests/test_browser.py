"""In Chromium: a shopper returns one line for a refund and exchanges another; the merchandiser
receives both, and the refund reaches the Stripe stand-in."""

import os

import pytest

from accounts.tests.factories import PASSWORD, UserFactory
from checkout import services as checkout_services
from checkout.models import Order, Refund
from checkout.tests.helpers import check_out, fill_basket, pay
from returns.models import Return, ReturnStatus
from testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shoot(page, name: str) -> None:
    """With SCREENSHOT_DIR set, the page as a phone (390 px) and a desktop (1280 px) show it."""
    if SHOTS:
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def test_a_return_for_a_refund_and_an_exchange_is_received(
    live_server, stripe_standin, browser_page, client, home_page, make_product, staff
):
    # Given Ruth's shipped order of a dress in M and a belt
    ruth = UserFactory(email="ruth@example.com", first_name="Ruth")
    dress = make_product(title="Wrap Dress", stock={("M", "Black"): 5, ("L", "Black"): 5})
    belt = make_product(title="Linen Belt", stock={("S", "Ivory"): 5})
    client.force_login(ruth)
    fill_basket(client, dress.variants.get(size__name="M"), 1)
    fill_basket(client, belt.variants.get(), 1)
    check_out(client)
    order = pay(client, stripe_standin, Order.objects.get())
    checkout_services.mark_shipped(order.pk, tracking_number="1Z9")
    page = browser_page

    # When she asks, from the order's page, for the belt's money back and the dress in L
    sign_in(page, live_server.url, ruth.email, PASSWORD)
    page.goto(f"{live_server.url}/accounts/orders/{order.number}/")
    page.get_by_role("link", name="Return or exchange pieces").click()
    shoot(page, "return-form")
    dress_line = page.get_by_role("group", name="Wrap Dress")
    dress_line.get_by_label("Pieces to return").select_option("1")
    dress_line.get_by_label("Why").select_option("too_small")
    dress_line.get_by_label("Exchange", exact=True).check()
    dress_line.get_by_label("Exchange for").select_option(label="L, Black")
    belt_line = page.get_by_role("group", name="Linen Belt")
    belt_line.get_by_label("Pieces to return").select_option("1")
    belt_line.get_by_label("Why").select_option("faulty")
    page.get_by_role("button", name="Book the return").click()

    # Then she sees the slip with its number
    ret = Return.objects.get()
    page.wait_for_url(f"**/accounts/returns/{ret.number}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Return {ret.number}"
    shoot(page, "return-slip")

    # When the merchandiser receives both pieces in the admin
    sign_in_admin(page, live_server.url, staff["merchandiser"].email)
    page.goto(f"{live_server.url}/admin/returns_admin/inspect/{ret.pk}/")
    shoot(page, "admin/return")
    page.get_by_role("button", name="Mark received").click()
    page.wait_for_load_state()
    assert f"Received 2 pieces of return {ret.number}." in page.content()

    # Then the belt's refund reached Stripe, and the L is a new order to ship
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.RECEIVED
    assert Refund.objects.get().amount == belt.price
    assert ("POST", "/v1/refunds") in stripe_standin.api_calls
    exchange = ret.lines.get(outcome="exchange").exchange_order
    assert exchange.lines.get().size == "L"
    assert exchange in Order.objects.to_ship()


def sign_in_admin(page, base_url: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
