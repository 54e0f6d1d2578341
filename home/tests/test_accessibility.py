"""axe-core in Chromium on the pages a shopper goes through: no serious or critical violation of
WCAG 2.2 A/AA (or axe's best practices), on a phone and on a desktop."""

from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from accounts.models import Address, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PASSWORD = "a long and unusual passphrase"


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
    shopper = User.objects.create_user("a11y@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=shopper, email=shopper.email, verified=True, primary=True)
    Address.objects.create(
        user=shopper,
        full_name="Alex",
        line1="1 Lane",
        city="Leeds",
        postcode="LS1",
        country="GB",
        is_default=True,
    )
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
    page.get_by_label("Email").fill(shopper.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/accounts/profile/")
    check("profile")
    page.goto(live_server.url + product.url)
    page.locator(".picker__option:not(.picker__option--sold-out)").first.click()
    page.get_by_role("button", name="Add to basket").click()
    page.wait_for_url("**/basket/")
    check("basket")
    check("checkout", "/checkout/")
    page.get_by_role("button", name="Pay").first.click()  # empty required fields: the error state
    check("checkout with errors")
    context.close()

    assert {name: problems for name, problems in found.items() if problems} == {}
