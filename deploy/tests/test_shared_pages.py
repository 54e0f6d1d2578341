"""Nginx's page cache shared by every shopper, on the real stack (deploy/stack.py): pages come
from the cache whether the shopper has a session, a basket or an account, and the header's
personal parts (Account or Sign in, the basket count) are filled in per response by SSI from the
shopper's own header cookies, with no trip to the app and nothing personal stored; a message
shows once, on a page the app renders whole; a publish, an unpublish or a stock move shows on
the next view, because the app purges the pages it changed."""

import http.cookiejar
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import override_settings

from accounts.models import User
from catalog.stock import adjust_stock
from deploy.stack import production_stack
from deploy.tests.test_limits import NoRedirects, reached_gunicorn, send
from dress_store.settings.base import store_caches

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long and unusual passphrase"
CATEGORY = "/shop/dresses/"


@pytest.fixture
def dress_page(make_product):
    return make_product(
        title="Edge Slip Dress",
        slug="edge-slip-dress",
        price=Decimal("120.00"),
        stock={("M", "Black"): 4},
    )


@pytest.fixture
def stack(tmp_path_factory, database_url, dress_page):
    workdir = tmp_path_factory.mktemp("stack")
    with production_stack(
        workdir=workdir,
        database_url=database_url,
        redis_url=settings.REDIS_URL,
        media_root=settings.MEDIA_ROOT,
        static_root=tmp_path_factory.getbasetemp() / "static",
        nodes=1,
        celery=False,
        nginx_rate_limits=False,
    ) as running:
        running.cache_dir = workdir / "cache"
        yield running


@pytest.fixture
def as_the_stack(stack):
    """Changes made in this process as the stack's app makes them: its caches (no test prefix)
    and its Nginx to purge. Tasks run eagerly here, as the stack's worker would run them."""
    caches = store_caches(cache_url=settings.REDIS_URL, limits_url=settings.REDIS_URL)
    frontend = {
        "nginx": {"BACKEND": "storefront.purge.NginxPurgeBackend", "LOCATION": stack.purge_url}
    }
    with override_settings(CACHES=caches, WAGTAILFRONTENDCACHE=frontend, SITE_URL=stack.url):
        yield stack


class Visitor:
    """A browser's cookies, through Nginx."""

    def __init__(self, stack):
        self.stack = stack
        self.jar = http.cookiejar.CookieJar()
        context = ssl.create_default_context(cafile=str(stack.certificate))
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.jar),
        )
        self.no_redirects = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.jar),
            NoRedirects,
        )

    def get(self, path: str, *, cookie: str = ""):
        """GET through Nginx; `cookie` sends that Cookie header instead of the jar's."""
        opener = self.opener
        if cookie:
            context = ssl.create_default_context(cafile=str(self.stack.certificate))
            opener = urllib.request.build_opener(
                urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
            )
        request = urllib.request.Request(
            self.stack.url + path, headers={"Cookie": cookie} if cookie else {}
        )
        try:
            response = opener.open(request)
        except urllib.error.HTTPError as error:
            response = error
        response.text = response.read().decode()
        return response

    def post(self, path: str, data: dict, *, token: bool = False, referer: str = "", follow=True):
        headers = {"Origin": self.stack.url, "Referer": self.stack.url + (referer or path)}
        if token:
            data = {**data, "csrfmiddlewaretoken": self.csrf_token(referer or path)}
        request = urllib.request.Request(
            self.stack.url + path, data=urllib.parse.urlencode(data).encode(), headers=headers
        )
        opener = self.opener if follow else self.no_redirects
        try:
            response = opener.open(request)
        except urllib.error.HTTPError as error:
            response = error
        response.text = response.read().decode()
        return response

    def csrf_token(self, path: str) -> str:
        page = self.get(path).text
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def sign_in(self, email: str) -> None:
        self.post("/accounts/login/", {"login": email, "password": PASSWORD}, token=True)
        assert "sessionid" in self.cookies()

    def cookies(self) -> dict:
        return {cookie.name: cookie.value for cookie in self.jar}


def shopper(first_name: str) -> str:
    email = f"{first_name.lower()}@example.com"
    # Hashed as production hashes (the test settings' MD5 is not among its hashers).
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user = User.objects.create(email=email, password=hashed, first_name=first_name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return email


def header(page: str) -> tuple[str, str]:
    """(the account link's label, the basket count as shown) of a page's header."""
    tools = re.search(r'<nav class="site-header__tools".*?</nav>', page, re.S).group(0)
    assert "<!--#" not in tools, "Nginx left an SSI command unprocessed"
    label = re.search(r'class="tool-link__label">([^<]*)<', tools).group(1)
    return label, re.search(r"data-basket-count>([^<]*)<", tools).group(1)


def set_cookies(response) -> dict:
    """The cookies a response sets (value), or deletes (None)."""
    found = {}
    for line in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = line.partition("=")
        value = rest.split(";")[0]
        found[name] = None if "max-age=0" in line.lower() else value.strip('"')
    return found


def cached_files(stack) -> str:
    return "\n".join(
        path.read_bytes().decode("latin-1")
        for path in Path(stack.cache_dir).rglob("*")
        if path.is_file()
    )


def test_two_shoppers_see_their_own_header_on_one_cached_page_with_no_app_trip(stack, dress_page):
    variant = dress_page.variants.get()
    ann, bea, anonymous = Visitor(stack), Visitor(stack), Visitor(stack)
    # Given Ann signed in with one piece in her basket, and Bea, a guest, with two
    ann.sign_in(shopper("Ann"))
    ann.post("/basket/add/", {"variant": variant.pk, "quantity": 1})
    bea.post("/basket/add/", {"variant": variant.pk, "quantity": 2}, referer=dress_page.url)
    assert "sessionid" in bea.cookies()

    # When Ann asks for the category page first, then Bea, then someone with no cookie at all
    first = ann.get(CATEGORY)
    app_views = reached_gunicorn(stack, "GET", CATEGORY)
    second = bea.get(CATEGORY)
    third = anonymous.get(CATEGORY)

    # Then the page came from the cache for Bea and the visitor, and each saw their own header
    assert first.headers["X-Cache-Status"] == "MISS"
    assert second.headers["X-Cache-Status"] == "HIT"
    assert third.headers["X-Cache-Status"] == "HIT"
    assert header(first.text) == ("Account", "1")
    assert header(second.text) == ("Sign in", "2")
    assert header(third.text) == ("Sign in", "0")
    assert "Edge Slip Dress" in second.text
    # And Gunicorn saw the page once, for Ann: nothing else of Bea's or the visitor's views
    assert app_views == 1
    assert reached_gunicorn(stack, "GET", CATEGORY) == 1
    # And nothing of theirs is in the shared cache: the header is stored as SSI commands
    stored = cached_files(stack)
    assert "Edge Slip Dress" in stored
    assert "<!--# if expr" in stored
    assert "Set-Cookie" not in stored
    assert ann.cookies()["sessionid"] not in stored
    # And a client can neither reach the old personal endpoint nor have the app leave out SSI
    assert anonymous.get("/_personal/").status == 404
    forged = urllib.request.Request(stack.url + "/search/?q=slip", headers={"X-SSI": "off"})
    assert "<!--#" not in anonymous.opener.open(forged).read().decode()


def test_the_header_cookies_follow_the_session(stack, dress_page):
    variant = dress_page.variants.get()
    visitor = Visitor(stack)
    email = shopper("Cleo")
    # Given the category page in the cache
    visitor.get(CATEGORY)

    # When a guest adds a piece, the redirect itself carries the new count
    added = visitor.post(
        "/basket/add/", {"variant": variant.pk, "quantity": 2}, referer=CATEGORY, follow=False
    )
    assert added.status == 302
    assert set_cookies(added)["ds_basket"] == "2"
    # (the page it leads to carries the message, so the app renders it: the cache is bypassed)
    page = visitor.get(CATEGORY)
    assert (page.headers["X-Cache-Status"], header(page.text)) == ("BYPASS", ("Sign in", "2"))
    page = visitor.get(CATEGORY)
    assert (page.headers["X-Cache-Status"], header(page.text)) == ("HIT", ("Sign in", "2"))

    # When she signs in, the page says Account, still from the cache
    visitor.sign_in(email)
    assert visitor.cookies()["ds_in"] == "1"
    page = visitor.get(CATEGORY)
    assert (page.headers["X-Cache-Status"], header(page.text)) == ("HIT", ("Account", "2"))

    # When she signs out, the cookies go with the session, and the header is a stranger's
    out = visitor.post("/accounts/logout/", {}, token=True, referer="/accounts/profile/")
    assert "ds_in" not in visitor.cookies()
    assert "ds_basket" not in visitor.cookies()
    assert "You have signed out." in out.text
    page = visitor.get(CATEGORY)
    assert (page.headers["X-Cache-Status"], header(page.text)) == ("HIT", ("Sign in", "0"))


def test_a_forged_header_cookie_shows_nothing_but_digits(stack, dress_page):
    visitor = Visitor(stack)
    visitor.post("/basket/add/", {"variant": dress_page.variants.get().pk}, referer=CATEGORY)
    session = visitor.cookies()["sessionid"]
    visitor.get(CATEGORY)

    # When a visitor forges their count with markup, or a count or sign-in without a session
    forged = visitor.get(CATEGORY, cookie=f"sessionid={session}; ds_basket=<script>x</script>")
    no_session = visitor.get(CATEGORY, cookie="ds_basket=7; ds_in=1")

    # Then the cached page shows 0 and Sign in, and nothing of what they sent
    assert forged.headers["X-Cache-Status"] == "HIT"
    assert header(forged.text) == ("Sign in", "0")
    assert "<script>x" not in forged.text
    assert header(no_session.text) == ("Sign in", "0")
    # And their own count is shown as sent when it is digits
    mine = visitor.get(CATEGORY, cookie=f"sessionid={session}; ds_basket=12; ds_in=1")
    assert header(mine.text) == ("Account", "12")


def test_a_response_that_sets_a_cookie_is_never_stored(stack, dress_page):
    # Given a product behind a password: Wagtail answers with a form and a CSRF cookie
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=dress_page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    # When two visitors without cookies ask for it
    first, second = Visitor(stack).get(dress_page.url), Visitor(stack).get(dress_page.url)

    # Then both went to the app, each with a cookie of their own
    assert first.headers["X-Cache-Status"] == "MISS"
    assert second.headers["X-Cache-Status"] == "MISS"
    assert "csrftoken=" in second.headers["Set-Cookie"]
    assert first.headers["Set-Cookie"] != second.headers["Set-Cookie"]


def test_publish_unpublish_and_stock_show_on_the_next_view(as_the_stack, dress_page):
    visitor = Visitor(as_the_stack)
    product = dress_page.url
    # Given the product and its category in the cache
    for path in (product, CATEGORY):
        visitor.get(path)
        assert visitor.get(path).headers["X-Cache-Status"] == "HIT"

    # When an editor publishes a new title, then the next views show it
    dress_page.title = "Edge Satin Dress"
    dress_page.save_revision().publish()
    assert "Edge Satin Dress" in visitor.get(product).text
    assert "Edge Satin Dress" in visitor.get(CATEGORY).text

    # When the last pieces are sold, then the product and its listing say so at once
    variant = dress_page.variants.get()
    for path in (product, CATEGORY):
        visitor.get(path)
        assert "Sold out" not in visitor.get(path).text
    adjust_stock(variant_id=variant.pk, change=-4)
    assert "Email me when it" in visitor.get(product).text
    assert "Sold out" in visitor.get(CATEGORY).text

    # When the product is unpublished, then it is gone from its page and its listing
    dress_page.refresh_from_db()
    dress_page.unpublish()
    assert visitor.get(product).status == 404
    assert "Edge Satin Dress" not in visitor.get(CATEGORY).text


def test_anonymous_visitors_keep_the_micro_cache(stack):
    visitor = Visitor(stack)
    # Given an anonymous visitor: the page is cached, and their header is the anonymous one
    assert visitor.get(CATEGORY).headers["X-Cache-Status"] == "MISS"
    again = visitor.get(CATEGORY)
    assert again.headers["X-Cache-Status"] == "HIT"
    assert header(again.text) == ("Sign in", "0")
    # And they got no cookie, and Gunicorn saw the page once
    assert not visitor.cookies()
    assert reached_gunicorn(stack, "GET", CATEGORY) == 1
    # A stray query still neither fills nor reads the cache
    status, headers = send(stack, CATEGORY + "?utm_source=x")
    assert (status, headers["X-Cache-Status"]) == (301, "BYPASS")


def save_piece(visitor, product):
    landed = visitor.post("/saved/add/", {"product": product.pk}, referer=product.url)
    return landed, product.url, "Saved for later: Edge Slip Dress"


def add_to_basket(visitor, product):
    variant = product.variants.get()
    landed = visitor.post("/basket/add/", {"variant": variant.pk}, referer=product.url)
    return landed, "/basket/", "Added to your basket: Edge Slip Dress, M, Black."


def ask_back_in_stock(visitor, product):
    visitor.sign_in(shopper("Dora"))
    sold_out = product.variants.get()
    adjust_stock(variant_id=sold_out.pk, change=-4)
    visitor.get(product.url)
    landed = visitor.post("/back-in-stock/", {"variant": sold_out.pk}, referer=product.url)
    return landed, product.url, "We will email you at dora@example.com when Edge Slip Dress"


def sign_in_and_out(visitor, product):
    visitor.sign_in(shopper("Eve"))
    visitor.get("/")
    landed = visitor.post("/accounts/logout/", {}, token=True, referer="/accounts/profile/")
    return landed, "/", "You have signed out."


@pytest.mark.parametrize("flow", [save_piece, add_to_basket, ask_back_in_stock, sign_in_and_out])
def test_a_message_shows_once_through_the_cache(stack, dress_page, flow):
    # Given the page the flow lands on, in the cache
    visitor = Visitor(stack)
    visitor.get(dress_page.url)
    visitor.get("/")
    assert visitor.get(dress_page.url).headers["X-Cache-Status"] == "HIT"

    # When the shopper does something the store answers with a message after a redirect
    landed, path, message = flow(visitor, dress_page)

    # Then the page they land on shows it: a cached page is bypassed for them, not stored
    assert landed.url == stack.url + path
    assert message in landed.text
    if path != "/basket/":
        assert landed.headers["X-Cache-Status"] == "BYPASS"
    assert "messages" not in visitor.cookies()

    # And the next view of that page has it no more, from the cache where the page is cached
    again = visitor.get(path)
    assert message not in again.text
    if path != "/basket/":
        assert again.headers["X-Cache-Status"] == "HIT"
    assert message not in cached_files(stack)
