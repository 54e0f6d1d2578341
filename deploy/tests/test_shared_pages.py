"""Nginx's page cache shared by every shopper, on the real stack (deploy/stack.py): pages come
from the cache whether the shopper has a session, a basket or an account, and the personal parts
(the account link with their name, the basket count, the messages) are filled in per response by
SSI from /_personal/, never stored; a publish, an unpublish or a stock move shows on the next
view, because the app purges the pages it changed."""

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
from deploy.tests.test_limits import send
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

    def get(self, path: str):
        try:
            response = self.opener.open(self.stack.url + path)
        except urllib.error.HTTPError as error:
            response = error
        response.text = response.read().decode()
        return response

    def post(self, path: str, data: dict, *, token: bool = False, referer: str = ""):
        headers = {"Origin": self.stack.url, "Referer": self.stack.url + (referer or path)}
        if token:
            data = {**data, "csrfmiddlewaretoken": self.csrf_token(path)}
        request = urllib.request.Request(
            self.stack.url + path, data=urllib.parse.urlencode(data).encode(), headers=headers
        )
        response = self.opener.open(request)
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


def header(page: str) -> tuple[str, int]:
    """(the account link's label, the basket count) of a page's header."""
    tools = re.search(r'<nav class="site-header__tools".*?</nav>', page, re.S).group(0)
    label = re.search(r'class="tool-link__label">([^<]*)<', tools).group(1)
    return label, int(re.search(r"data-basket-count>(\d+)", tools).group(1))


def cached_files(stack) -> str:
    return "\n".join(
        path.read_bytes().decode("latin-1")
        for path in Path(stack.cache_dir).rglob("*")
        if path.is_file()
    )


def test_two_shoppers_see_their_own_header_on_one_cached_page(stack, dress_page):
    variant = dress_page.variants.get()
    ann, bea, anonymous = Visitor(stack), Visitor(stack), Visitor(stack)
    # Given Ann signed in with one piece in her basket, and Bea with two
    ann.sign_in(shopper("Ann"))
    ann.post("/basket/add/", {"variant": variant.pk, "quantity": 1})
    bea.sign_in(shopper("Bea"))
    bea.post("/basket/add/", {"variant": variant.pk, "quantity": 2})

    # When Ann asks for the category page first, then Bea, then someone with no session
    first = ann.get(CATEGORY)
    second = bea.get(CATEGORY)
    third = anonymous.get(CATEGORY)

    # Then the page came from the cache for Bea and the visitor, and each saw their own header
    assert first.headers["X-Cache-Status"] == "MISS"
    assert second.headers["X-Cache-Status"] == "HIT"
    assert third.headers["X-Cache-Status"] == "HIT"
    assert header(first.text) == ("Ann", 1)
    assert header(second.text) == ("Bea", 2)
    assert header(third.text) == ("Sign in", 0)
    assert "Edge Slip Dress" in second.text
    # And nothing of theirs (nor an SSI command's output) is in the shared cache
    stored = cached_files(stack)
    assert "Edge Slip Dress" in stored
    assert "Ann" not in stored
    assert "Bea" not in stored
    assert "<!--# include" in stored
    # And a client cannot ask for the personal parts, nor have the app leave them out for it
    assert anonymous.get("/_personal/").status == 404
    forged = urllib.request.Request(stack.url + "/search/?q=slip", headers={"X-SSI": "off"})
    assert "<!--#" not in anonymous.opener.open(forged).read().decode()


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


def test_anonymous_visitors_keep_the_micro_cache_and_never_reach_the_personal_parts(stack):
    visitor = Visitor(stack)
    # Given an anonymous visitor: the page is cached, and their header is written in it
    assert visitor.get(CATEGORY).headers["X-Cache-Status"] == "MISS"
    again = visitor.get(CATEGORY)
    assert again.headers["X-Cache-Status"] == "HIT"
    assert header(again.text) == ("Sign in", 0)
    # A stray query still neither fills nor reads the cache
    status, headers = send(stack, CATEGORY + "?utm_source=x")
    assert (status, headers["X-Cache-Status"]) == (301, "BYPASS")
    # And no request of theirs went to /_personal/
    assert "/_personal/" not in stack.node_requests(0)
    assert not visitor.cookies()


def test_a_message_shows_once_on_a_cached_page(stack, dress_page):
    # Given a guest on a product page that is in the cache
    visitor = Visitor(stack)
    visitor.get(dress_page.url)
    assert visitor.get(dress_page.url).headers["X-Cache-Status"] == "HIT"

    # When they save the piece, and are sent back to the page, the store's message is on it
    landed = visitor.post("/saved/add/", {"product": dress_page.pk}, referer=dress_page.url)
    assert landed.url == stack.url + dress_page.url
    assert landed.headers["X-Cache-Status"] == "HIT"
    assert "Saved for later: Edge Slip Dress" in landed.text

    # Then the next view, from the cache too, has it no more
    again = visitor.get(dress_page.url)
    assert again.headers["X-Cache-Status"] == "HIT"
    assert "Saved for later" not in again.text
    assert "Saved for later" not in cached_files(stack)
