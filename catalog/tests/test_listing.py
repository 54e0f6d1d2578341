"""Listings: the shop index and categories list the live products of their subtree, filtered,
sorted and paginated, in a number of queries that does not grow with the page."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import fragments
from catalog.stock import adjust_stock
from catalog.tests.factories import CategoryPageFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [node.get_text(strip=True) for node in soup.select(".product-card__title")]


def test_category_lists_live_products_of_its_whole_subtree(client, category, make_product):
    # Given a product in the category, one in a subcategory and an unpublished one
    maxi = CategoryPageFactory(parent=category, title="Maxi", slug="maxi")
    make_product(title="Top Level Dress")
    make_product(title="Nested Maxi Dress", parent=maxi)
    draft = make_product(title="Draft Dress")
    draft.unpublish()

    # When the category is shown
    response = client.get(category.url)

    # Then both live products are listed, and the draft is not
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Nested Maxi Dress", "Top Level Dress"]


def test_size_colour_and_stock_filters_apply_to_one_and_the_same_variant(
    client, category, make_product
):
    # Given a dress whose M is sold out in black but not in ivory, with an L in black in stock
    make_product(
        title="Mixed Dress", stock={("M", "Black"): 0, ("M", "Ivory"): 4, ("L", "Black"): 2}
    )
    make_product(title="Black M Dress", stock={("M", "Black"): 3})

    # When shoppers ask for M in black, in stock
    response = client.get(category.url, {"size": "m", "colour": "black", "in_stock": "on"})

    # Then only the product with an M black in stock is listed
    assert titles(response) == ["Black M Dress"]
    # And the filters show as removable chips
    soup = BeautifulSoup(response.content, "html.parser")
    assert [chip.get_text(" ", strip=True) for chip in soup.select(".active-filter")] == [
        "Remove filter M ×",
        "Remove filter Black ×",
        "Remove filter In stock ×",
    ]


def test_price_range_and_price_sort(client, category, make_product):
    for title, price in [("Cheap", "40.00"), ("Middle", "90.00"), ("Dear", "250.00")]:
        make_product(title=title, price=Decimal(price))

    response = client.get(category.url, {"min_price": "50", "max_price": "300", "sort": "-price"})
    assert titles(response) == ["Dear", "Middle"]

    response = client.get(category.url, {"sort": "price"})
    assert titles(response) == ["Cheap", "Middle", "Dear"]


def test_newest_first_by_default(client, category, make_product):
    make_product(title="Older")
    make_product(title="Newer")
    assert titles(client.get(category.url)) == ["Newer", "Older"]


def test_bad_filters_are_reported_and_the_rest_still_apply(client, category, make_product):
    make_product(title="Cheap", price=Decimal("40.00"))
    make_product(title="Dear", price=Decimal("250.00"))

    response = client.get(
        category.url, {"min_price": "lots", "max_price": "100", "size": "XXXL", "sort": "sideways"}
    )

    assert response.status_code == 200
    assert titles(response) == ["Cheap"]
    text = response.content.decode()
    assert "Some filters could not be used" in text
    assert "Enter a number." in text
    assert "Select a valid choice. XXXL is not one of the available choices." in text


def test_lowest_price_above_highest_is_explained(client, category, make_product):
    make_product(title="Any")
    response = client.get(category.url, {"min_price": "100", "max_price": "10"})
    assert "The highest price must not be below the lowest price." in response.content.decode()
    assert titles(response) == ["Any"]


def test_pagination_keeps_the_filters(client, category, make_product):
    for number in range(30):
        make_product(title=f"Dress {number:02d}", stock={("M", "Black"): 1})

    response = client.get(category.url, {"size": "m", "sort": "price"})
    soup = BeautifulSoup(response.content, "html.parser")

    assert len(titles(response)) == 24
    next_link = soup.select_one("a[rel=next]")["href"]
    assert next_link == "?size=m&sort=price&page=2"
    second = client.get(category.url + next_link)
    assert len(titles(second)) == 6
    # and a page beyond the last shows the last
    beyond = client.get(category.url, {"size": "m", "sort": "price", "page": "999"})
    assert titles(beyond) == titles(second)


def test_out_of_range_page_number_shows_the_last_page(client, category, make_product):
    make_product(title="Only")
    response = client.get(category.url, {"page": "999"})
    assert response.status_code == 200
    assert titles(response) == ["Only"]
    response = client.get(category.url, {"page": "not-a-number"})
    assert response.status_code == 200
    assert titles(response) == ["Only"]


def test_empty_states(client, category, make_product):
    response = client.get(category.url)
    assert "No products here yet" in response.content.decode()

    make_product(title="Black", stock={("M", "Black"): 1})
    response = client.get(category.url, {"colour": "ivory"})
    # Ivory is no colour of this category's products, so the filter itself is refused...
    assert "Some filters could not be used" in response.content.decode()
    response = client.get(category.url, {"size": "m", "min_price": "5000"})
    # ...and a filter that matches nothing says so and offers a way back.
    assert "Nothing matches these filters" in response.content.decode()


def test_sold_out_products_are_marked(client, category, make_product):
    make_product(title="Gone", stock={("M", "Black"): 0})
    soup = BeautifulSoup(client.get(category.url).content, "html.parser")
    assert soup.select_one(".product-card--sold-out .badge").get_text(strip=True) == "Sold out"


@pytest.mark.parametrize("page_size", [3, 24])
def test_listing_query_count_does_not_grow_with_the_page(client, category, make_product, page_size):
    # Given a category with `page_size` products, each with an image and two variants
    for number in range(page_size):
        make_product(title=f"Dress {number}", stock={("M", "Black"): 2, ("L", "Ivory"): 0})
    # The first view caches the store's shell, the site's root paths and the page's route
    client.get(category.url)

    # When the category is shown in an order nobody asked for yet, its cards not rendered yet
    fragments.cache.delete_pattern("fragment:card:*")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(category.url, {"sort": "price"})

    # Then it takes the same, small number of queries whatever the page size
    assert response.status_code == 200
    assert len(titles(response)) == page_size
    assert len(queries) == LISTING_QUERIES, "\n".join(q["sql"][:200] for q in queries)

    # And once rendered, the listing comes from the cache, and so does the page's route
    with CaptureQueriesContext(connection) as queries:
        again = client.get(category.url, {"sort": "price"})
    assert again.content == response.content
    assert len(queries) == CACHED_LISTING_QUERIES, "\n".join(q["sql"][:200] for q in queries)


# The route (site, page chain, view restrictions) comes from the cache (catalog.routing), and so
# do the restricted subtrees; the listing reads count, products, which of them are in stock
# after their stock versions (catalog.queries.stamp_availability), and for the cards not yet
# rendered (catalog.cards) first images and renditions. The facets (sizes and colours on
# offer) come from the cache until the catalog changes.
LISTING_QUERIES = 5
CACHED_LISTING_QUERIES = 0


def test_filters_offer_what_was_published_since_they_were_cached(
    client, category, make_product, django_capture_on_commit_callbacks
):
    # Given a category whose filters were cached while it had only black dresses
    make_product(title="Black Dress", stock={("M", "Black"): 1})
    assert offered_colours(client.get(category.url)) == ["black"]

    # When a merchandiser publishes an ivory dress
    ivory = make_product(title="Ivory Dress", stock={("L", "Ivory"): 1})
    with django_capture_on_commit_callbacks(execute=True):
        ivory.save_revision().publish()

    # Then the colour filter offers ivory at once
    assert offered_colours(client.get(category.url)) == ["black", "ivory"]


def offered_colours(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [node["value"] for node in soup.select("input[name=colour]")]


def test_a_sale_of_the_last_piece_shows_in_the_cached_listing_at_once(
    client, category, make_product, django_capture_on_commit_callbacks
):
    # Given a listing rendered and cached while a dress had one piece left
    dress = make_product(title="Last One", stock={("M", "Black"): 1})
    assert not BeautifulSoup(client.get(category.url).content, "html.parser").select(
        ".product-card--sold-out"
    )

    # When that piece is sold
    with django_capture_on_commit_callbacks(execute=True):
        adjust_stock(variant_id=dress.variants.get().pk, change=-1)

    # Then the listing marks it sold out on the next view
    soup = BeautifulSoup(client.get(category.url).content, "html.parser")
    assert [
        card.select_one(".product-card__title").get_text(strip=True)
        for card in soup.select(".product-card--sold-out")
    ] == ["Last One"]
