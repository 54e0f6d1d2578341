"""The basket: add, change and remove with clear messages for bad input, the header's count,
lines that sold out since, and the merge into the account on sign-in."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from catalog.models import ProductVariant
from checkout.models import Basket, BasketLine
from checkout.tests.factories import BasketFactory
from checkout.tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def add(client, variant, quantity="1", **extra):
    return client.post(
        reverse("checkout:basket_add"),
        {"variant": str(variant.pk), "quantity": quantity, **extra},
        follow=True,
        HTTP_SEC_FETCH_SITE="same-origin",  # as a browser on our product page says
    )


@pytest.fixture
def dress(make_product):
    """The Wrap Dress's variants by size: M in black (3 left) and L in black (sold out)."""
    product = make_product(title="Wrap Dress", stock={("M", "Black"): 3, ("L", "Black"): 0})
    return {v.size.name: v for v in product.variants.all()}


def test_add_change_and_remove(client, dress):
    # When a shopper adds 2 of the M
    response = add(client, dress["M"], "2")

    # Then the basket holds them, and the header counts them
    assert messages_of(response) == ["Added to your basket: Wrap Dress, M, Black."]
    line = BasketLine.objects.get()
    assert line.quantity == 2
    assert client.session["basket_count"] == 2
    count = BeautifulSoup(response.content, "html.parser").select_one("[data-basket-count]")
    assert count.get_text(" ", strip=True) == "2 items"

    # When they add one more, the line grows
    add(client, dress["M"], "1")
    line.refresh_from_db()
    assert line.quantity == 3

    # When they change it to 1, it is 1
    response = client.post(
        reverse("checkout:basket_update", args=[line.pk]), {"quantity": "1"}, follow=True
    )
    assert messages_of(response) == ["Your basket is updated."]
    line.refresh_from_db()
    assert line.quantity == 1

    # When they remove it, the basket is empty
    response = client.post(reverse("checkout:basket_remove", args=[line.pk]), follow=True)
    assert messages_of(response) == ["Removed from your basket."]
    assert not BasketLine.objects.exists()
    assert client.session["basket_count"] == 0


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("abc", "Please enter the quantity as a whole number, such as 1 or 2."),
        ("1.5", "Please enter the quantity as a whole number, such as 1 or 2."),
        ("", "Please enter the quantity as a whole number, such as 1 or 2."),
        ("0", "The quantity must be at least 1. To take a piece out, remove it."),
        ("-2", "The quantity must be at least 1. To take a piece out, remove it."),
        ("11", "You can have at most 10 of a piece in your basket."),
        ("4", "Only 3 pieces of Wrap Dress in M, Black are left."),
    ],
)
def test_bad_quantities_are_explained_and_change_nothing(client, dress, quantity, message):
    response = add(client, dress["M"], quantity)
    assert response.status_code == 200
    assert messages_of(response) == [message]
    assert not BasketLine.objects.exists()


def test_adding_beyond_stock_across_two_adds_is_refused(client, dress):
    add(client, dress["M"], "2")
    response = add(client, dress["M"], "2")
    assert messages_of(response) == ["Only 3 pieces of Wrap Dress in M, Black are left."]
    assert BasketLine.objects.get().quantity == 2


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        ("not-a-number", "Please choose a size and colour."),
        ("", "Please choose a size and colour."),
        ("999999", "That size and colour is no longer available. Please choose another."),
    ],
)
def test_unknown_variants_are_explained(client, dress, variant, message):
    response = client.post(
        reverse("checkout:basket_add"),
        {"variant": variant, "quantity": "1"},
        follow=True,
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert messages_of(response) == [message]


def test_sold_out_variants_cannot_be_added(client, dress):
    assert messages_of(add(client, dress["L"])) == ["Wrap Dress in L, Black is sold out."]


def test_an_unpublished_product_cannot_be_added(client, dress):
    dress["M"].product.unpublish()
    assert messages_of(add(client, dress["M"])) == [
        "That size and colour is no longer available. Please choose another."
    ]


def test_another_shoppers_line_is_out_of_reach(client, dress):
    theirs = BasketFactory(lines={dress["M"]: 1}).lines.get()
    add(client, dress["M"])  # our own basket exists too

    response = client.post(
        reverse("checkout:basket_update", args=[theirs.pk]), {"quantity": "3"}, follow=True
    )
    assert messages_of(response) == ["That line is no longer in your basket."]
    response = client.post(reverse("checkout:basket_remove", args=[theirs.pk]), follow=True)
    assert messages_of(response) == ["That line is no longer in your basket."]
    theirs.refresh_from_db()
    assert theirs.quantity == 1
    response = client.post(
        reverse("checkout:basket_update", args=["nonsense"]), {"quantity": "1"}, follow=True
    )
    assert messages_of(response) == ["That line is no longer in your basket."]


def test_basket_page_shows_lines_and_flags_what_sold_out_since(client, dress):
    add(client, dress["M"], "2")
    ProductVariant.objects.filter(pk=dress["M"].pk).update(stock=0)

    response = client.get(reverse("checkout:basket"))
    soup = BeautifulSoup(response.content, "html.parser")
    line = soup.select_one(".basket-line")
    assert "Wrap Dress" in line.select_one(".basket-line__title").get_text()
    assert "M · Black · $100.00 each" in line.select_one(".basket-line__meta").get_text(
        " ", strip=True
    )
    assert line.select_one(".basket-line__total").get_text(strip=True) == "$200.00"
    assert line.select_one("picture")
    assert "Sold out since you added it" in line.select_one(".basket-line__warning").get_text()
    assert soup.select_one("a[href='/checkout/']") is None  # no way to check out

    response = client.get(reverse("checkout:checkout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("checkout:basket")


@pytest.mark.parametrize("lines", [1, 6])
def test_basket_page_query_count_does_not_grow_with_lines(client, make_product, lines):
    for number in range(lines):
        product = make_product(title=f"Dress {number}", stock={("M", "Black"): 5})
        add(client, product.variants.get())
    client.get(reverse("checkout:basket"))

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("checkout:basket"))
    assert len(queries) == BASKET_QUERIES, "\n".join(q["sql"][:120] for q in queries)


# the session (from the database: sessions are not kept in Redis), basket, lines with their
# variants, products, sizes and colours, gallery images, renditions, site (for the product links)
BASKET_QUERIES = 6


def test_the_basket_merges_into_the_account_on_sign_in(client, dress, make_product):
    # Given a shopper whose account basket already holds 2 of the M (3 in stock)
    shopper = UserFactory(email="merge@example.com")
    BasketFactory(user=shopper, lines={dress["M"]: 2})
    # And, signed out, they put 2 more of the M and a top in the session's basket
    top = make_product(title="Tee", stock={("S", "Ivory"): 4}).variants.get()
    add(client, dress["M"], "2")
    add(client, top, "1")

    # When they sign in
    client.post(reverse("account_login"), {"login": shopper.email, "password": PASSWORD})

    # Then the lines are merged into their basket, the M capped by stock
    lines = {
        line.variant_id: line.quantity for line in Basket.objects.get(user=shopper).lines.all()
    }
    assert lines == {dress["M"].pk: 3, top.pk: 1}
    assert Basket.objects.count() == 1
    assert client.session["basket_count"] == 4


def test_a_cross_site_post_cannot_add_to_the_basket(client, dress):
    url = reverse("checkout:basket_add")
    data = {"variant": dress["M"].pk, "quantity": "1"}
    assert client.post(url, data, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert client.post(url, data, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert client.post(url, data, HTTP_ORIGIN="null").status_code == 403
    assert not BasketLine.objects.exists()
    assert client.post(url, data, HTTP_SEC_FETCH_SITE="same-origin").status_code == 302
    assert client.post(url, data, HTTP_ORIGIN="http://testserver").status_code == 302
    assert BasketLine.objects.get().quantity == 2


def test_anonymous_catalog_pages_set_no_cookie(client, dress):
    product = dress["M"].product
    for url in ("/", product.get_parent().url, product.url, "/search/?q=dress"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, response.cookies)
