"""Saved pieces in Chromium: a guest saves two pieces (from a listing's card and a product's
page), signs in, and finds them on the Saved page."""

from decimal import Decimal

import pytest

from accounts.tests.factories import PASSWORD, UserFactory
from testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_guest_saves_two_pieces_signs_in_and_finds_them(
    live_server, browser_page, category, make_product
):
    make_product(title="Wrap Dress", price=Decimal("120.00"), stock={("M", "Black"): 2})
    slip = make_product(title="Slip Dress", price=Decimal("90.00"), stock={("S", "Ivory"): 1})
    UserFactory(email="ann@example.com")
    page = browser_page

    # A guest saves the Wrap Dress from the listing's card, and stays on the listing
    page.goto(live_server.url + category.url)
    page.get_by_role("button", name="Save Wrap Dress for later").click()
    page.wait_for_url("**" + category.url)
    assert "Saved for later: Wrap Dress." in page.locator(".messages").inner_text()

    # ...and the Slip Dress in S from its page
    page.goto(live_server.url + slip.url)
    page.locator(".picker__option:not(.picker__option--sold-out)").first.click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**" + slip.url)
    assert "Saved for later: Slip Dress in S, Ivory." in page.locator(".messages").inner_text()

    # She signs in, and her saved pieces are there, under Saved
    sign_in(page, live_server.url, "ann@example.com", PASSWORD)
    page.get_by_role("link", name="Saved").click()
    page.wait_for_url("**/saved/")
    assert page.locator(".saved-piece__title").all_inner_texts() == ["Slip Dress", "Wrap Dress"]
    assert page.locator(".saved-piece__price").first.inner_text().strip() == "$90.00"

    # And the Slip Dress goes to her basket in one step, in the size she saved
    page.get_by_role("button", name="Move to basket Slip Dress").click()
    assert "Moved to your basket: Slip Dress in S, Ivory." in page.locator(".messages").inner_text()
    assert page.locator(".saved-piece__title").all_inner_texts() == ["Wrap Dress"]
    assert page.locator("[data-basket-count]").inner_text().startswith("1")
