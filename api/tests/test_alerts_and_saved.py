"""The API's back-in-stock alerts and saved pieces: the same rules as the pages (catalog.alerts,
saved.pieces), each caller's own only, JSON only."""

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from catalog.models import ProductPage, StockAlert
from catalog.tests.factories import StockAlertFactory
from checkout.models import BasketLine
from mail.models import OutboxMessage
from saved.models import SavedPiece
from saved.tests.factories import SavedListFactory

pytestmark = pytest.mark.django_db
S = StockAlert.Status


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def signed_in(api):
    """Ann, calling with her token."""
    user = UserFactory(email="ann@example.com")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return user


@pytest.fixture
def wrap(make_product):
    """The Wrap Dress at 100.00: M black (3 left), M ivory sold out."""
    return make_product(
        title="Wrap Dress", price=Decimal("100.00"), stock={("M", "Black"): 3, ("M", "Ivory"): 0}
    )


@pytest.fixture
def ivory(wrap):
    return wrap.variants.get(colour__name="Ivory")


# Back in stock -----------------------------------------------------------------------------------


def test_a_signed_in_caller_subscribes_lists_and_stops_their_alerts(api, signed_in, ivory):
    # When Ann asks for M ivory, twice
    first = api.post("/api/v1/alerts/", {"variant": ivory.pk}, format="json")
    again = api.post("/api/v1/alerts/", {"variant": ivory.pk}, format="json")

    # Then one alert waits, on her account's address
    assert (first.status_code, again.status_code) == (201, 201)
    body = first.json()
    assert (body["variant"], body["status"], body["email"], body["size"]["name"]) == (
        ivory.pk,
        "waiting",
        "ann@example.com",
        "M",
    )
    assert body["product_url"].endswith(f"{ivory.product.url}?size=m&colour=ivory")
    assert again.json()["id"] == body["id"]

    # And she lists her own alerts only
    StockAlertFactory(variant=ivory, email="bob@example.com")
    listed = api.get("/api/v1/alerts/").json()
    assert [alert["id"] for alert in listed["results"]] == [body["id"]]

    # And stops it; Bob's is not hers to stop
    bobs = StockAlert.objects.get(email="bob@example.com")
    assert api.delete(f"/api/v1/alerts/{bobs.pk}/").status_code == 404
    assert api.delete(f"/api/v1/alerts/{body['id']}/").status_code == 204
    assert list(StockAlert.objects.all()) == [bobs]


def test_a_guest_subscribes_by_email_pending_confirmation(api, ivory):
    response = api.post(
        "/api/v1/alerts/", {"variant": ivory.pk, "email": "gail@example.com"}, format="json"
    )

    assert response.status_code == 202
    assert response.json() == {
        "detail": "Please check your inbox: we sent a link to gail@example.com. Confirm it, "
        "and we will email you when it is back."
    }
    assert StockAlert.objects.get().status == S.PENDING
    assert OutboxMessage.objects.get().kind == "catalog/alert_confirm"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"variant": "x"}, {"variant": ["Please choose a size and colour."]}),
        (
            {"variant": 1},  # a guest without an address (or not a variant on sale)
            None,
        ),
        (
            {"email": "gail@example.com"},
            {"variant": ["This field is required."]},
        ),
    ],
)
def test_bad_alert_requests_are_400_with_a_message(api, ivory, body, errors):
    response = api.post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 400
    if errors is not None:
        assert response.json() == errors
    assert not StockAlert.objects.exists()


def test_a_guest_without_an_address_or_for_a_size_in_stock_is_told(api, wrap, ivory):
    no_email = api.post("/api/v1/alerts/", {"variant": ivory.pk}, format="json")
    in_stock = api.post(
        "/api/v1/alerts/",
        {"variant": wrap.variants.get(colour__name="Black").pk, "email": "g@example.com"},
        format="json",
    )
    assert no_email.json() == {
        "email": [
            "Please enter your email address, such as ann@example.com, so that we can tell you "
            "when it is back."
        ]
    }
    assert in_stock.json() == {
        "variant": ["Wrap Dress in M, Black is in stock: add it to your basket."]
    }


def test_guest_alerts_are_limited_like_the_pages(api, ivory, settings):
    settings.STOCK_ALERT_LIMITS = {"ip": (10, 3600), "mailbox": (1, 3600)}
    body = {"variant": ivory.pk, "email": "gail@example.com"}
    assert api.post("/api/v1/alerts/", body, format="json").status_code == 202
    refused = api.post("/api/v1/alerts/", {**body, "email": "gail+2@example.com"}, format="json")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("We have sent too many confirmation links")


def test_listing_and_stopping_alerts_need_a_caller(api, ivory):
    alert = StockAlertFactory(variant=ivory)
    assert api.get("/api/v1/alerts/").status_code == 401
    assert api.delete(f"/api/v1/alerts/{alert.pk}/").status_code == 401


# Saved pieces -----------------------------------------------------------------------------------


def test_saved_pieces_add_list_remove(api, wrap, ivory):
    # When a guest saves the Wrap Dress, and its M ivory, and the dress again
    added = api.post("/api/v1/saved/", {"product": wrap.pk}, format="json")
    api.post("/api/v1/saved/", {"product": wrap.pk, "variant": ivory.pk}, format="json")
    api.post("/api/v1/saved/", {"product": wrap.pk}, format="json")

    # Then two pieces are saved, each with today's price and every size's stock
    assert added.status_code == 201
    data = api.get("/api/v1/saved/").json()
    assert data["count"] == 2
    newest, first = data["pieces"]
    assert (first["product_title"], first["variant"], first["price"], first["in_stock"]) == (
        "Wrap Dress",
        None,
        "100.00",
        True,
    )
    assert newest["variant"]["id"] == ivory.pk
    assert [(o["size"]["name"], o["colour"]["name"], o["in_stock"]) for o in first["options"]] == [
        ("M", "Black", True),
        ("M", "Ivory", False),
    ]

    # When the price drops, it says so
    ProductPage.objects.filter(pk=wrap.pk).update(price=Decimal("75.00"))
    first = api.get("/api/v1/saved/").json()["pieces"][1]
    assert (first["price"], first["price_when_saved"], first["price_dropped"]) == (
        "75.00",
        "100.00",
        True,
    )

    # And a piece is removed
    assert api.delete(f"/api/v1/saved/{first['id']}/").status_code == 204
    assert api.get("/api/v1/saved/").json()["count"] == 1


def test_a_saved_piece_moves_to_the_basket(api, signed_in, wrap):
    black = wrap.variants.get(colour__name="Black")
    piece = SavedListFactory(user=signed_in, pieces=[wrap]).pieces.get()

    no_size = api.post(f"/api/v1/saved/{piece.pk}/move-to-basket/", {}, format="json")
    moved = api.post(
        f"/api/v1/saved/{piece.pk}/move-to-basket/",
        {"variant": black.pk, "quantity": 2},
        format="json",
    )

    assert no_size.status_code == 400
    assert no_size.json() == {"variant": ["Please choose a size and colour."]}
    assert moved.status_code == 200
    assert [(line["variant"]["id"], line["quantity"]) for line in moved.json()["lines"]] == [
        (black.pk, 2)
    ]
    assert BasketLine.objects.get().basket.user == signed_in
    assert not SavedPiece.objects.exists()


def test_another_callers_saved_piece_answers_404(api, signed_in, wrap):
    theirs = SavedListFactory(pieces=[wrap]).pieces.get()
    assert api.delete(f"/api/v1/saved/{theirs.pk}/").status_code == 404
    assert (
        api.post(f"/api/v1/saved/{theirs.pk}/move-to-basket/", {}, format="json").status_code == 404
    )
    assert SavedPiece.objects.filter(pk=theirs.pk).exists()


def test_bad_saved_requests_are_400_with_a_message(api, wrap):
    unknown = api.post("/api/v1/saved/", {"product": 999999}, format="json")
    not_json = api.post(
        "/api/v1/saved/", "product=1", content_type="application/x-www-form-urlencoded"
    )
    assert (unknown.status_code, unknown.json()) == (
        400,
        {"product": ["That piece is no longer in the shop."]},
    )
    assert not_json.status_code == 415
