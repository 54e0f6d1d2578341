"""The store as deployed: Nginx with deploy/nginx/dress_store.conf in front of two Gunicorn nodes
under the production settings, a Celery worker, the Stripe stand-in; a shopper in Chromium."""

import re
import ssl
import urllib.request
from decimal import Decimal

import pytest
from django.conf import settings

from checkout.models import Order, PaymentStatus
from deploy.stack import production_stack
from testing.browser import fill_address
from testing.http import fetch

pytestmark = [pytest.mark.stack, pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def stack(tmp_path_factory, database_url, smtp_server, home_page, category, make_product):
    home_page.body = [("category_tiles", {"heading": "Shop by category", "categories": [category]})]
    home_page.save_revision().publish()
    make_product(title="Stack Slip Dress", price=Decimal("120.00"), stock={("M", "Black"): 3})
    workdir = tmp_path_factory.mktemp("stack")
    with production_stack(
        workdir=workdir,
        database_url=database_url,
        redis_url=settings.REDIS_URL,
        media_root=settings.MEDIA_ROOT,
        email_url=f"smtp://127.0.0.1:{smtp_server.port}",
        static_root=tmp_path_factory.getbasetemp() / "static",
    ) as running:
        running.smtp = smtp_server
        yield running


def opener(stack, cookie: str = ""):
    context = ssl.create_default_context(cafile=str(stack.certificate))
    handlers = [urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)]
    built = urllib.request.build_opener(*handlers)
    if cookie:
        built.addheaders = [("Cookie", cookie)]
    return built


def get(stack, path: str, cookie: str = ""):
    return opener(stack, cookie).open(stack.url + path)


def test_nginx_serves_static_caches_anonymous_pages_and_sends_security_headers(stack):
    # Static files come from Nginx, hashed and immutable, and never reach Gunicorn
    page = get(stack, "/shop/").read().decode()
    css = re.search(r'href="(/static/css/store\.[0-9a-f]+\.css)"', page).group(1)
    response = get(stack, css)
    assert response.status == 200
    assert "immutable" in ", ".join(response.headers.get_all("Cache-Control"))
    assert not any(css in stack.node_requests(i) for i in range(len(stack.nodes)))

    # Anonymous pages are served from Nginx's cache the second time
    assert get(stack, "/shop/dresses/").headers["X-Cache-Status"] == "MISS"
    assert get(stack, "/shop/dresses/").headers["X-Cache-Status"] == "HIT"

    # So are they to a shopper with a session, whose header Nginx fills in (test_shared_pages.py)
    personal = get(stack, "/shop/dresses/", cookie="sessionid=abc123")
    assert personal.headers["X-Cache-Status"] == "HIT"
    # But not to one carrying a one-time message: the app renders that page for them alone
    message = get(stack, "/shop/dresses/", cookie="sessionid=abc123; messages=made-up")
    assert message.headers["X-Cache-Status"] == "BYPASS"

    # Security headers, once each, on pages and static files alike
    for response in (get(stack, "/"), get(stack, css)):
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert response.headers.get_all("X-Content-Type-Options") == ["nosniff"]
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    page_headers = get(stack, "/").headers
    assert "script-src 'self'" in page_headers["Content-Security-Policy"]
    assert page_headers["X-Frame-Options"] == "DENY"

    # Plain HTTP is sent to HTTPS
    plain = fetch(stack.http_url + "/shop/")
    assert (plain.status, plain.headers["Location"]) == (301, stack.url + "/shop/")

    health = get(stack, "/healthz/")
    assert health.status == 200
    assert health.read() == b'{"status": "ok", "database": "ok", "redis": "ok"}'


def test_a_shopper_signs_up_buys_and_finds_the_order_across_two_nodes(stack, chromium):
    context = chromium.new_context(
        ignore_https_errors=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    base = stack.url

    # Browse
    page.goto(base + "/")
    page.get_by_role("link", name="Dresses").last.click()
    page.get_by_role("link", name="Stack Slip Dress").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Stack Slip Dress"

    # Sign up and confirm through the mail the worker sent
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Email").fill("stack@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    [message] = stack.smtp.wait_for(1)
    link = re.search(
        r"https://\S+/accounts/confirm-email/\S+/", message.get_body(("plain",)).get_content()
    ).group(0)
    assert link.startswith(base)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/profile/")

    # Buy
    page.goto(base + "/shop/dresses/")
    page.get_by_role("link", name="Stack Slip Dress").click()
    page.locator(".picker__option").first.click()
    page.get_by_role("button", name="Add to basket").click()
    page.wait_for_url("**/basket/")
    page.get_by_role("link", name="Check out").click()
    fill_address(
        page, full_name="Stacey Stack", line1="8 Proxy Road", postcode="97201", city="Portland"
    )
    page.get_by_role("button", name="Pay $126.00").click()
    page.wait_for_url(stack.stripe.url + "/pay/*")
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url("**/checkout/success/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your order"

    # The webhook came through Nginx, and the order is in the history
    stack.stripe.wait_for_deliveries(1)
    assert [delivery["status"] for delivery in stack.stripe.deliveries] == [200]
    order = Order.objects.get()
    assert order.payment_status == PaymentStatus.PAID
    page.goto(base + "/accounts/orders/")
    assert order.number in page.locator(".order-list").inner_text()
    context.close()

    # Sign-in, basket and checkout requests were spread over both nodes: sessions are shared
    for index in range(2):
        served = stack.node_requests(index)
        assert (
            '"POST /accounts/' in served
            or '"POST /basket/' in served
            or '"POST /checkout/' in served
        ), index
    assert sum(stack.node_requests(index).count('"POST ') for index in range(2)) >= 4
