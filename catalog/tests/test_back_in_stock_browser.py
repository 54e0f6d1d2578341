"""Back in stock in Chromium, with a real Celery worker and mail server: a shopper asks for a
sold-out size, the merchandiser restocks it in the Stock view, the mail arrives, and its link
opens the product with that size and colour chosen."""

import re

import pytest

from accounts.tests.factories import PASSWORD, UserFactory
from testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_shopper_is_mailed_when_the_merchandiser_restocks_her_size(
    live_server, chromium, browser_page, staff, make_product, celery_worker
):
    product = make_product(title="Wrap Dress", stock={("M", "Black"): 2, ("M", "Ivory"): 0})
    ivory = product.variants.get(colour__name="Ivory")
    UserFactory(email="ann@example.com")
    shopper, smtp = browser_page, celery_worker.smtp

    # The shopper signs in and asks for M ivory, sold out, in one click
    sign_in(shopper, live_server.url, "ann@example.com", PASSWORD)
    shopper.goto(live_server.url + product.url)
    shopper.get_by_role("button", name=re.compile(r"^Email me when it's back\W+M, Ivory$")).click()
    shopper.wait_for_url("**" + product.url)
    assert "We will email you at ann@example.com when Wrap Dress in M, Ivory is back." in (
        shopper.locator(".messages").inner_text()
    )

    # The merchandiser, in a browser of their own, finds it sold out in the Stock view
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    admin.set_default_timeout(15_000)
    admin.goto(live_server.url + "/admin/login/")
    admin.fill("input[name=username]", staff["merchandiser"].email)
    admin.fill("input[name=password]", PASSWORD)
    admin.locator("form button[type=submit]").click()
    admin.wait_for_url(live_server.url + "/admin/")
    admin.goto(live_server.url + "/admin/stock/?level=sold_out")
    admin.get_by_role("link", name=ivory.sku).click()

    # ...and receives 3 pieces
    admin.locator("input[name=stock]").fill("3")
    admin.get_by_role("button", name="Save").click()
    admin.wait_for_url("**/admin/stock/")
    context.close()

    # The worker sends her one mail, with her size and colour in its link
    [message] = smtp.wait_for(1)
    assert message["To"] == "ann@example.com"
    assert message["Subject"] == "Back in stock: Wrap Dress in M, Ivory"
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+" + re.escape(product.url) + r"\S*", text).group(0)

    # Which opens the product page with M ivory chosen, ready for the basket
    shopper.goto(live_server.url + "/" + link.split("/", 3)[3])
    assert shopper.locator(f"input[name=variant][value='{ivory.pk}']").is_checked()
    shopper.get_by_role("button", name="Add to basket").click()
    shopper.wait_for_url("**/basket/")
    assert "Wrap Dress" in shopper.locator(".basket-line__title").inner_text()
