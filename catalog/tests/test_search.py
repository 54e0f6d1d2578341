"""Search over titles, summaries, descriptions, category names and SKUs."""

import pytest
from bs4 import BeautifulSoup
from wagtail.search.backends import get_search_backend

from catalog.tests.factories import CategoryPageFactory
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


def found(client, query, **params) -> list[str]:
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [node.get_text(strip=True) for node in soup.select(".product-card__title")]


@pytest.fixture
def catalog(category, make_product):
    knitwear = CategoryPageFactory(
        parent=category.get_parent().specific, title="Knitwear", slug="knitwear"
    )
    make_product(title="Linen Wrap Dress", summary="Breezy and light.", stock={("M", "Black"): 2})
    make_product(title="Evening Gown", summary="Sandwashed silk.", description="<p>Bias cut.</p>")
    make_product(
        title="Fisherman Jumper", summary="Chunky.", description="<p>Wool.</p>", parent=knitwear
    )
    backend = get_search_backend()
    from catalog.models import ProductPage

    for product in ProductPage.objects.all():
        backend.add(product)
    return ProductPage.objects.all()


def test_title_summary_description_and_category(client, catalog):
    assert found(client, "linen") == ["Linen Wrap Dress"]
    assert found(client, "silk") == ["Evening Gown"]
    assert found(client, "bias") == ["Evening Gown"]
    assert found(client, "knitwear") == ["Fisherman Jumper"]


def test_an_exact_sku_finds_its_product_first(client, catalog):
    sku = catalog.get(title="Linen Wrap Dress").variants.get().sku
    assert found(client, sku.lower())[0] == "Linen Wrap Dress"


def test_nothing_found_offers_a_way_on(client, catalog):
    response = client.get("/search/", {"q": "zebra print"})
    text = response.content.decode()
    assert "Nothing matches “zebra print”" in text
    soup = BeautifulSoup(response.content, "html.parser")
    assert [a.get_text() for a in soup.select(".suggestions a")] == ["Dresses", "Knitwear"]
    assert soup.select_one("meta[name=robots]")["content"] == "noindex, follow"


def test_empty_and_overlong_queries_are_handled(client, catalog):
    # An empty search offers the search box, and lists nothing
    empty = soup_of(client.get("/search/"))
    assert empty.select_one("h1").get_text() == "Search the shop"
    assert empty.select(".product-card") == []

    # An overlong one says what to do, and lists nothing
    overlong = soup_of(client.get("/search/", {"q": "x" * 500}))
    assert overlong.select_one("#search-q-error").get_text() == (
        "Please shorten your search to 100 characters."
    )
    assert overlong.select(".product-card") == []


def test_unpublished_products_are_not_found(client, catalog):
    catalog.get(title="Linen Wrap Dress").unpublish()
    assert found(client, "linen") == []


def test_results_are_paginated(client, category, make_product):
    from catalog.models import ProductPage

    for number in range(30):
        make_product(title=f"Silk Dress {number}")
    backend = get_search_backend()
    for product in ProductPage.objects.all():
        backend.add(product)

    assert len(found(client, "silk")) == 24
    assert len(found(client, "silk", page=2)) == 6
    soup = BeautifulSoup(client.get("/search/", {"q": "silk"}).content, "html.parser")
    assert soup.select_one("a[rel=next]")["href"] == "?q=silk&page=2"


def test_a_product_published_after_a_search_is_found_by_the_same_search(
    client, catalog, make_product, django_capture_on_commit_callbacks
):
    # Given a search whose results were cached
    assert found(client, "cashmere") == []

    # When a matching product is published (which also indexes it)
    coat = make_product(title="Cashmere Coat")
    with django_capture_on_commit_callbacks(execute=True):
        coat.save_revision().publish()

    # Then the same search finds it
    assert found(client, "cashmere") == ["Cashmere Coat"]


def test_the_ranking_puts_an_exact_sku_first_and_counts_it_once(client, catalog):
    from catalog.search import RankedProducts

    # Given a gown whose SKU is exactly "linen" (and indexed, so its words match "linen" too),
    # and a dress that matches "linen" by its title
    gown, dress = catalog.get(title="Evening Gown"), catalog.get(title="Linen Wrap Dress")
    gown.variants.update(sku="LINEN")
    get_search_backend().add(gown)

    # When products are ranked for "linen"
    ranked = RankedProducts("linen")

    # Then the SKU's product comes first, once, then the others by their words, page by page
    assert ranked[0:24] == [gown.pk, dress.pk]
    assert (ranked[0:1], ranked[1:2], ranked[2:3]) == ([gown.pk], [dress.pk], [])
    assert ranked.count() == 2

    # And the search page shows them in that order
    assert found(client, "linen") == ["Evening Gown", "Linen Wrap Dress"]
