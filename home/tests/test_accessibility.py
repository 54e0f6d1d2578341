"""axe-core in Chromium on the pages a shopper goes through: no serious or critical violation of
WCAG 2.2 A/AA (or axe's best practices), on a phone and on a desktop."""

from decimal import Decimal
from pathlib import Path

import pytest

from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from catalog.tests.factories import StockAlertFactory
from saved.tests.factories import SavedListFactory
from testing.browser import add_to_basket, fill_address, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULES
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [390, 1280])
def test_no_serious_violations(live_server, chromium, home_page, category, make_product, width):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    home_page.body = [("category_tiles", {"heading": "Shop by category", "categories": [category]})]
    home_page.save_revision().publish()
    product = make_product(
        title="Accessible Dress",
        price=Decimal("90.00"),
        stock={("M", "Black"): 2, ("L", "Ivory"): 0},
    )
    shopper = UserFactory(email="a11y@example.com")
    AddressFactory(user=shopper, is_default=True)
    sold_out = product.variants.get(size__name="L")
    StockAlertFactory(variant=sold_out, user=shopper)
    SavedListFactory(user=shopper, pieces=[product, sold_out])
    # axe is injected as a script: the page's CSP would rightly refuse it.
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found = {}

    def check(name: str, path: str | None = None):
        if path is not None:
            page.goto(live_server.url + path)
        found[name] = violations(page)

    check("home", "/")
    check("category", category.url)
    check("product", product.url)
    check("search", "/search/?q=dress")
    check("no results", "/search/?q=zzzz")
    check("signup", "/accounts/signup/")
    check("login", "/accounts/login/")
    sign_in(page, live_server.url, shopper.email, PASSWORD)
    check("profile")
    check("saved", "/saved/")
    add_to_basket(page, live_server.url, product)
    check("basket")
    check("checkout", "/checkout/")
    # The form's error state: the address (filled in from the address book) emptied, then sent
    fill_address(page, full_name="", line1="", postcode="", city="")
    page.get_by_role("button", name="Pay").first.click()
    assert page.locator(".field-error").count() == 4
    check("checkout with errors")
    context.close()

    assert {name: problems for name, problems in found.items() if problems} == {}
