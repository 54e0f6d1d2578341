"""Contract tests of the REST API: what each endpoint answers, to whom, and for what input."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory
from catalog.models import ProductVariant
from catalog.stock import adjust_stock
from catalog.tests.factories import CategoryPageFactory
from checkout.models import Basket, BasketLine, Order
from checkout.tests.factories import BasketFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def signed_in(api):
    """Ann, calling with her token."""
    user = UserFactory(email="ann@example.com")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return user


# Catalog ----------------------------------------------------------------------------------------


def test_categories_with_their_parents(api, category):
    maxi = CategoryPageFactory(parent=category, title="Maxi", slug="maxi")
    data = api.get("/api/v1/categories/").json()
    assert [(c["title"], c["parent"]) for c in data["results"]] == [
        ("Dresses", None),
        ("Maxi", category.pk),
    ]
    assert api.get(f"/api/v1/categories/{maxi.pk}/").json()["url"].endswith("/shop/dresses/maxi/")


def test_products_with_variants_prices_and_pictures(api, make_product):
    product = make_product(
        title="Wrap Dress",
        price=Decimal("120.00"),
        compare_at_price=Decimal("150.00"),
        stock={("M", "Black"): 2, ("L", "Black"): 0},
    )
    [item] = api.get("/api/v1/products/").json()["results"]
    assert (
        item["title"],
        item["price"],
        item["compare_at_price"],
        item["on_sale"],
        item["in_stock"],
        item["currency"],
    ) == ("Wrap Dress", "120.00", "150.00", True, True, "usd")
    variants = {v["size"]["name"]: v for v in item["variants"]}
    assert (variants["M"]["in_stock"], variants["M"]["max_quantity"]) == (True, 2)
    assert (variants["L"]["in_stock"], variants["L"]["max_quantity"]) == (False, 0)
    card = item["image"]["card"]
    assert card["width"] == 360
    assert [len(card[fmt]) for fmt in ("avif", "webp", "jpeg")] == [2, 2, 2]
    assert card["avif"][0].endswith(".avif")

    detail = api.get(f"/api/v1/products/{product.pk}/").json()
    assert detail["description"] == "<p>Cut from washed linen.</p>"
    large = detail["images"][0]["large"]
    assert large["jpeg"][0].endswith(".jpg")
    assert large["width"] == 400  # the test photo is 400 px wide, and Wagtail never upscales


def test_product_filters_and_ordering_match_the_pages(api, category, make_product):
    make_product(title="Cheap Black", price=Decimal("40.00"), stock={("M", "Black"): 1})
    make_product(title="Dear Ivory", price=Decimal("250.00"), stock={("L", "Ivory"): 3})
    make_product(title="Sold Out", price=Decimal("90.00"), stock={("M", "Black"): 0})

    def titles(**params):
        response = api.get("/api/v1/products/", params)
        assert response.status_code == 200, response.json()
        return [p["title"] for p in response.json()["results"]]

    assert titles(ordering="price") == ["Cheap Black", "Sold Out", "Dear Ivory"]
    assert titles(size="m", in_stock="true") == ["Cheap Black"]
    assert titles(colour="ivory") == ["Dear Ivory"]
    assert titles(min_price="50", max_price="100") == ["Sold Out"]
    assert titles(category=category.pk, ordering="-price") == [
        "Dear Ivory",
        "Sold Out",
        "Cheap Black",
    ]


def test_product_search_by_words_and_sku(api, make_product):
    from wagtail.search.backends import get_search_backend

    silk = make_product(title="Silk Slip", stock={("M", "Black"): 1})
    make_product(title="Linen Shirt", description="<p>Washed linen.</p>")
    for product in (silk, *silk.get_siblings().specific()):
        get_search_backend().add(product)
    assert [p["title"] for p in api.get("/api/v1/products/", {"q": "silk"}).json()["results"]] == [
        "Silk Slip"
    ]
    sku = silk.variants.get().sku
    found = api.get("/api/v1/products/", {"q": sku}).json()["results"]
    assert found[0]["title"] == "Silk Slip"


def test_product_search_ranks_as_the_search_page_does(api, make_product):
    from wagtail.search.backends import get_search_backend

    from catalog.search import RankedProducts

    # Given products that match "linen" by their words, and one whose SKU is "LINEN"
    make_product(title="Linen Shirt", description="<p>Washed linen.</p>")
    make_product(title="Linen Dress")
    gown = make_product(title="Evening Gown", stock={("M", "Black"): 1})
    gown.variants.update(sku="LINEN")
    for product in gown.get_siblings().specific():
        get_search_backend().add(product)

    # When the API is asked for them
    found = api.get("/api/v1/products/", {"q": "linen"}).json()["results"]

    # Then they come in the search's one ranking, the SKU's product first
    assert [p["id"] for p in found] == RankedProducts("linen")[:200]
    assert found[0]["title"] == "Evening Gown"
    assert len(found) == 3


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"min_price": "lots"}, {"min_price": ["A valid number is required."]}),
        (
            {"min_price": "100", "max_price": "10"},
            {"max_price": ["The highest price must not be below the lowest price."]},
        ),
        ({"ordering": "sideways"}, {"ordering": ['"sideways" is not a valid choice.']}),
        ({"category": "abc"}, {"category": ["A valid integer is required."]}),
        ({"category": "999999"}, {"category": ["No such category."]}),
        ({"in_stock": "perhaps"}, {"in_stock": ["Must be a valid boolean."]}),
    ],
)
def test_bad_product_queries_are_400_with_a_message_per_field(api, make_product, params, errors):
    make_product()
    response = api.get("/api/v1/products/", params)
    assert response.status_code == 400
    assert response.json() == errors


def test_malformed_ids_and_pages_are_4xx(api, make_product):
    make_product()
    assert api.get("/api/v1/products/abc/").status_code == 404
    assert api.get("/api/v1/products/99999999/").status_code == 404
    assert api.get("/api/v1/products/", {"page": "abc"}).status_code == 404
    assert api.get("/api/v1/products/", {"page_size": "100000"}).status_code == 200


def test_catalog_is_read_only_for_everyone(api, make_product, signed_in):
    product = make_product(title="Wrap Dress")
    staff = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    for client_user in (None, signed_in, staff):
        client = APIClient()
        if client_user is not None:
            client.force_authenticate(client_user)
        assert client.post("/api/v1/products/", {"title": "X"}, format="json").status_code == 405
        assert (
            client.put(f"/api/v1/products/{product.pk}/", {"title": "X"}, format="json").status_code
            == 405
        )
        assert client.delete(f"/api/v1/products/{product.pk}/").status_code == 405
        assert client.post("/api/v1/categories/", {}, format="json").status_code == 405
    product.refresh_from_db()
    assert product.title == "Wrap Dress"


@pytest.mark.parametrize("count", [3, 24])
def test_product_list_query_count_does_not_grow(api, make_product, count):
    # Given `count` products, and their pictures made
    for number in range(count):
        make_product(title=f"Dress {number}", stock={("M", "Black"): 1, ("L", "Ivory"): 2})
    api.get("/api/v1/products/", {"ordering": "price"})

    # When a page of products is first asked for
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/products/")

    # Then it takes the same number of queries whatever the number of products
    assert len(response.json()["results"]) == count
    assert len(queries) == PRODUCT_LIST_QUERIES, "\n".join(q["sql"][:120] for q in queries)

    # And the same page asked again is served from the cache, without a query (the catalog's
    # version, part of the key, is in Redis too)
    with CaptureQueriesContext(connection) as queries:
        again = api.get("/api/v1/products/")
    assert again.json() == response.json()
    assert len(queries) == 0, "\n".join(q["sql"][:120] for q in queries)


def test_a_sale_shows_in_the_cached_product_list_at_once(
    api, make_product, django_capture_on_commit_callbacks
):
    # Given a product list cached while a dress had one piece left
    dress = make_product(title="Last One", stock={("M", "Black"): 1})
    assert api.get("/api/v1/products/").json()["results"][0]["in_stock"] is True

    # When the piece is sold
    with django_capture_on_commit_callbacks(execute=True):
        adjust_stock(variant_id=dress.variants.get().pk, change=-1)

    # Then the list says so
    assert api.get("/api/v1/products/").json()["results"][0]["in_stock"] is False


# view restrictions, count, products, first images, renditions, variants with sizes and
# colours, site (for the products' URLs)
PRODUCT_LIST_QUERIES = 7


# Basket -----------------------------------------------------------------------------------------


def test_basket_add_change_remove(api, dress):
    response = api.post(
        "/api/v1/basket/lines/", {"variant": dress.pk, "quantity": 2}, format="json"
    )
    assert response.status_code == 201
    basket = response.json()
    assert (basket["count"], basket["subtotal"], basket["can_check_out"]) == (2, "200.00", True)
    line = basket["lines"][0]
    assert (
        line["product_title"],
        line["variant"]["sku"],
        line["quantity"],
        line["line_total"],
    ) == ("Wrap Dress", dress.sku, 2, "200.00")

    response = api.patch(f"/api/v1/basket/lines/{line['id']}/", {"quantity": 3}, format="json")
    assert response.json()["count"] == 3
    assert api.delete(f"/api/v1/basket/lines/{line['id']}/").status_code == 204
    assert api.get("/api/v1/basket/").json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"variant": "x", "quantity": 1}, {"variant": ["Please choose a size and colour."]}),
        (
            {"variant": 99999, "quantity": 1},
            {"variant": ["That size and colour is no longer available. Please choose another."]},
        ),
        (
            {"quantity": "many"},
            {
                "variant": ["This field is required."],
                "quantity": ["Please enter the quantity as a whole number, such as 1 or 2."],
            },
        ),
        (
            {"quantity": 0},
            {
                "variant": ["This field is required."],
                "quantity": ["The quantity must be at least 1. To take a piece out, remove it."],
            },
        ),
        (
            {"quantity": 11},
            {
                "variant": ["This field is required."],
                "quantity": ["You can have at most 10 of a piece in your basket."],
            },
        ),
    ],
)
def test_basket_bad_input_gets_the_pages_messages(api, dress, body, errors):
    response = api.post("/api/v1/basket/lines/", body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not BasketLine.objects.exists()


def test_basket_quantity_beyond_stock(api, dress):
    response = api.post(
        "/api/v1/basket/lines/", {"variant": dress.pk, "quantity": 4}, format="json"
    )
    assert response.json() == {"quantity": ["Only 3 pieces of Wrap Dress in M, Black are left."]}
    ProductVariant.objects.filter(pk=dress.pk).update(stock=0)
    response = api.post(
        "/api/v1/basket/lines/", {"variant": dress.pk, "quantity": 1}, format="json"
    )
    assert response.json() == {"variant": ["Wrap Dress in M, Black is sold out."]}


def test_malformed_bodies_are_4xx(api, dress):
    response = api.post("/api/v1/basket/lines/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert (
        api.post(
            "/api/v1/basket/lines/", "variant=1", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 415
    )
    assert api.post("/api/v1/basket/lines/", [1, 2], format="json").status_code == 400


def test_another_callers_basket_line_answers_404(api, dress):
    theirs = BasketFactory(lines={dress: 1}).lines.get()
    assert (
        api.patch(f"/api/v1/basket/lines/{theirs.pk}/", {"quantity": 2}, format="json").status_code
        == 404
    )
    assert api.delete(f"/api/v1/basket/lines/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.quantity == 1


def test_a_signed_in_callers_basket_is_their_accounts(api, dress, signed_in):
    api.post("/api/v1/basket/lines/", {"variant": dress.pk, "quantity": 1}, format="json")
    assert Basket.objects.get().user == signed_in


@pytest.mark.parametrize("lines", [1, 10])
def test_basket_query_count_does_not_grow(api, make_product, lines, signed_in):
    for number in range(lines):
        variant = make_product(title=f"Piece {number}", stock={("M", "Black"): 5}).variants.get()
        api.post("/api/v1/basket/lines/", {"variant": variant.pk, "quantity": 1}, format="json")
    api.get("/api/v1/basket/")
    with CaptureQueriesContext(connection) as queries:
        assert len(api.get("/api/v1/basket/").json()["lines"]) == lines
    assert len(queries) == BASKET_QUERIES, "\n".join(q["sql"][:120] for q in queries)


# token user, basket, lines with variants, images, renditions, and the session the basket's count
# is kept in for the site's header (from the database: sessions are not kept in Redis)
BASKET_QUERIES = 6


# Checkout, orders, tokens -------------------------------------------------------------------------


ADDRESS = {
    "full_name": "Gail Guest",
    "line1": "1 Silk Road",
    "city": "Portland",
    "postcode": "97201",
    "country": "US",
}


def test_checkout_answers_the_stripe_url(api, dress, stripe_standin):
    api.post("/api/v1/basket/lines/", {"variant": dress.pk, "quantity": 2}, format="json")
    response = api.post(
        "/api/v1/checkout/",
        {"email": "gail@example.com", "address": ADDRESS, "total": "0.01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    order = Order.objects.get()
    assert data == {
        "order": order.number,
        "total": "200.00",
        "currency": "usd",
        "checkout_url": f"{stripe_standin.url}/pay/{order.stripe_session_id}",
    }


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"address": ADDRESS}, {"email": ["An email address is needed for the receipt."]}),
        ({"email": "nope", "address": ADDRESS}, {"email": ["Enter a valid email address."]}),
        (
            {"email": "a@example.com", "address": {**ADDRESS, "country": "ZZ"}},
            {"address": {"country": ['"ZZ" is not a valid choice.']}},
        ),
        (
            {"email": "a@example.com", "address": ADDRESS, "discount_code": "NOPE"},
            {"discount_code": ["“NOPE” is not a discount code we know."]},
        ),
        (
            {"email": "a@example.com", "address": ADDRESS, "shipping_method": "teleport"},
            {"shipping_method": ['"teleport" is not a valid choice.']},
        ),
    ],
)
def test_checkout_bad_input(api, dress, stripe_standin, body, errors):
    api.post("/api/v1/basket/lines/", {"variant": dress.pk, "quantity": 1}, format="json")
    response = api.post("/api/v1/checkout/", body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not Order.objects.exists()


def test_checkout_of_an_empty_basket_or_with_stripe_down(api, dress, settings):
    assert api.post(
        "/api/v1/checkout/", {"email": "a@example.com", "address": ADDRESS}, format="json"
    ).json() == {"detail": "Your basket is empty."}
    api.post("/api/v1/basket/lines/", {"variant": dress.pk, "quantity": 1}, format="json")
    settings.STRIPE_API_BASE = "http://127.0.0.1:1"
    response = api.post(
        "/api/v1/checkout/", {"email": "a@example.com", "address": ADDRESS}, format="json"
    )
    assert response.status_code == 503
    assert response.json()["detail"].startswith("We could not reach our payment provider just now.")
    dress.refresh_from_db()
    assert dress.stock == 3


def test_checkout_of_a_basket_that_needs_changes_is_a_conflict(api, dress, stripe_standin):
    # Given a basket of 2 dresses, of which only 1 is left now
    api.post("/api/v1/basket/lines/", {"variant": dress.pk, "quantity": 2}, format="json")
    ProductVariant.objects.filter(pk=dress.pk).update(stock=1)

    # When the caller checks out
    response = api.post(
        "/api/v1/checkout/", {"email": "a@example.com", "address": ADDRESS}, format="json"
    )

    # Then it is a conflict that says what to do, and nothing is ordered
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Some pieces in your basket are sold out or short. "
        "Please remove them or lower the quantity first."
    }
    assert not Order.objects.exists()


def test_a_signed_in_callers_order_mails_their_accounts_address(
    api, dress, signed_in, stripe_standin
):
    # Given a signed-in caller with a basket
    api.post("/api/v1/basket/lines/", {"variant": dress.pk, "quantity": 1}, format="json")

    # When they check out giving another email address
    response = api.post(
        "/api/v1/checkout/", {"email": "other@example.com", "address": ADDRESS}, format="json"
    )

    # Then the order is theirs, for their account's address
    assert response.status_code == 201
    order = Order.objects.get()
    assert (order.user, order.email) == (signed_in, "ann@example.com")


def test_orders_are_the_callers_own(api, signed_in):
    mine = OrderFactory(user=signed_in)
    theirs = OrderFactory(user=UserFactory(email="bob@example.com"))
    data = api.get("/api/v1/orders/").json()
    assert [o["number"] for o in data["results"]] == [mine.number]
    assert data["results"][0]["lines"][0]["product_title"] == "Wrap Dress"
    assert api.get(f"/api/v1/orders/{mine.number}/").status_code == 200
    assert api.get(f"/api/v1/orders/{theirs.number}/").status_code == 404
    assert api.get("/api/v1/orders/%00%20/").status_code == 404


def test_orders_need_a_caller(api):
    assert api.get("/api/v1/orders/").status_code == 401


def test_token_for_a_confirmed_account_only(api):
    UserFactory(email="ann@example.com")
    UserFactory(email="new@example.com", confirmed=False)
    response = api.post(
        "/api/v1/auth/token/", {"email": "ANN@example.com", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/orders/").status_code == 200

    assert api.post(
        "/api/v1/auth/token/", {"email": "ann@example.com", "password": "wrong"}, format="json"
    ).json() == {"non_field_errors": ["The email address and/or password are not correct."]}
    assert api.post(
        "/api/v1/auth/token/", {"email": "new@example.com", "password": PASSWORD}, format="json"
    ).json() == {"non_field_errors": ["Please confirm your email address before signing in."]}
    assert (
        APIClient(HTTP_AUTHORIZATION="Token not-a-token").get("/api/v1/orders/").status_code == 401
    )


def test_session_authentication_needs_csrf_for_writes(dress):
    user = UserFactory(email="ann@example.com")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        "/api/v1/basket/lines/", {"variant": dress.pk, "quantity": 1}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_throttling_bites(api, settings, make_product):
    settings.API_THROTTLE_RATES = {"anon": "3/minute", "user": "3/minute", "auth": "2/minute"}
    codes = [api.get("/api/v1/categories/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Request was throttled" in api.get("/api/v1/categories/").json()["detail"]


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert set(paths) == {
        "/api/v1/alerts/",
        "/api/v1/alerts/{id}/",
        "/api/v1/auth/token/",
        "/api/v1/basket/",
        "/api/v1/basket/lines/",
        "/api/v1/basket/lines/{id}/",
        "/api/v1/categories/",
        "/api/v1/categories/{id}/",
        "/api/v1/checkout/",
        "/api/v1/orders/",
        "/api/v1/orders/{number}/",
        "/api/v1/products/",
        "/api/v1/products/{id}/",
        "/api/v1/returns/",
        "/api/v1/returns/{number}/",
        "/api/v1/returns/{number}/cancel/",
        "/api/v1/saved/",
        "/api/v1/saved/{id}/",
        "/api/v1/saved/{id}/move-to-basket/",
    }
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs


def test_the_schema_is_valid_openapi(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json())
