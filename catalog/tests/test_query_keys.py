"""Cache-busting: a query string's stray parameters, their order or a page past the last one
write no new fragment to Redis, and catalog pages send such URLs on to their canonical form."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import caches

from catalog import listing

pytestmark = pytest.mark.django_db


def fragments(kind: str) -> int:
    """How many `kind` fragments the caches hold, whichever cache keeps them."""
    return sum(len(caches[alias].keys(f"fragment:{kind}:*")) for alias in settings.CACHES)


@pytest.fixture
def listing_of(rf, category, make_product):
    """listing_of("?size=m") -> the category's RenderedListing for that query string."""
    make_product(title="Wrap Dress", stock={("M", "Black"): 3})

    def render(query: str):
        request = rf.get(category.url + query)
        request.user = AnonymousUser()
        request.session = SessionBase()
        return listing.rendered_listing(request, root=category)

    return render


def test_stray_parameters_make_no_new_listing_fragment(listing_of):
    # When a listing is asked for with stray parameters, then without them
    stray = listing_of("?z=123&size=m&utm_source=mail")
    listing_of("?size=m")
    listing_of("?size=m&z=456")

    # Then one fragment serves all three, and its links carry no stray parameter
    assert fragments("listing") == 1
    assert "z=123" not in stray.html
    assert "utm_source" not in stray.html


def test_the_order_of_parameters_makes_no_new_listing_fragment(listing_of):
    listing_of("?size=m&colour=black&in_stock=on")
    listing_of("?in_stock=on&colour=black&size=m")
    assert fragments("listing") == 1


def test_nonsense_pages_and_bad_filters_are_not_kept(listing_of):
    # Given the listing's one page, kept
    listing_of("")

    # When pages that are not numbers, or past the last, and filters that do not exist are asked
    for query in ("?page=abc", "?page=0", "?page=99", "?page=12345678", "?size=nonsense"):
        assert "Wrap Dress" in listing_of(query).html

    # Then they were shown, but nothing new was kept
    assert fragments("listing") == 1


def test_search_keeps_one_fragment_per_search_and_real_page(client, make_product):
    # Given a product that a search finds
    make_product(title="Wrap Dress")

    # When the search is asked for with nonsense pages and pages past its last
    for query in ("?q=wrap", "?q=wrap&page=a", "?q=wrap&page=b", "?q=wrap&page=50"):
        response = client.get("/search/" + query)
        assert response.status_code == 200
        assert "Wrap Dress" in response.content.decode()

    # Then one fragment was kept
    assert fragments("search") == 1


@pytest.mark.parametrize(
    ("asked", "sent_to"),
    [
        ("/shop/dresses/?z=123&size=m", "/shop/dresses/?size=m"),
        ("/shop/dresses/?utm_source=mail", "/shop/dresses/"),
        ("/shop/dresses/?size=m&z=1&page=2&size=l", "/shop/dresses/?size=m&page=2&size=l"),
        # A product page reads the size and colour to choose in its picker, and nothing else
        ("/shop/dresses/wrap-dress/?size=m&page=2", "/shop/dresses/wrap-dress/?size=m"),
        ("/shop/dresses/wrap-dress/?in_stock=on", "/shop/dresses/wrap-dress/"),
        ("/?page=2", "/"),
        ("/search/?q=wrap&utm_campaign=spring", "/search/?q=wrap"),
    ],
)
def test_stray_parameters_are_sent_on_to_the_canonical_url(client, make_product, asked, sent_to):
    make_product(title="Wrap Dress", slug="wrap-dress")
    response = client.get(asked)
    assert (response.status_code, response.headers.get("Location")) == (301, sent_to)


def test_pages_with_only_their_own_parameters_are_served(client, make_product):
    make_product(title="Wrap Dress", slug="wrap-dress")
    for url in (
        "/shop/dresses/?size=m&page=1&sort=price",
        "/shop/dresses/wrap-dress/?size=m&colour=black",
        "/search/?q=wrap&page=1",
        "/",
    ):
        assert client.get(url).status_code == 200, url
