"""A shopper in Chromium: home, a category, a filter, a product."""

from decimal import Decimal

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browse_home_category_filter_product(
    live_server, browser_page, home_page, category, make_product
):
    # Given a home page that leads to the dresses, and three dresses
    home_page.body = [("category_tiles", {"heading": "Shop by category", "categories": [category]})]
    home_page.save_revision().publish()
    make_product(title="Black Slip Dress", price=Decimal("120.00"), stock={("M", "Black"): 2})
    make_product(title="Ivory Shirt Dress", price=Decimal("90.00"), stock={("S", "Ivory"): 1})
    make_product(title="Sold Out Dress", price=Decimal("80.00"), stock={("M", "Black"): 0})
    page = browser_page

    # When the shopper opens the home page and follows the Dresses tile
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Dresses").last.click()
    page.wait_for_url("**/shop/dresses/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dresses"
    assert page.locator(".product-card").count() == 3

    # And filters to size M, in stock only
    # (the filter panel opens itself on a wide screen)
    assert page.locator("details[data-filters]").evaluate("details => details.open")
    page.locator(".chip-option", has_text="M").click()
    page.get_by_label("In stock only").check()
    page.get_by_role("button", name="Show products").click()
    page.wait_for_url("**/shop/dresses/?*size=m*")

    # Then only the in-stock M dress is listed, and the filters show as chips
    assert page.locator(".product-card__title").all_inner_texts() == ["Black Slip Dress"]
    chips = page.locator(".active-filter").all_text_contents()
    assert chips == ["Remove filter M ×", "Remove filter In stock ×"]

    # And on its page, the sold-out and in-stock choices are as the stock says
    page.get_by_role("link", name="Black Slip Dress").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Black Slip Dress"
    picker = page.locator("input[name=variant]")
    assert picker.count() == 1
    assert picker.first.is_enabled()
    assert page.get_by_role("button", name="Add to basket").is_visible()
    # the product photo actually loaded (media is served, the <picture> resolves)
    loaded = page.locator(".gallery img").first.evaluate(
        "img => img.complete && img.naturalWidth > 0"
    )
    assert loaded
