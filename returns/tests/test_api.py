"""Returns over the API: the caller's own, through the same service as the pages."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from returns.models import Return
from returns.tests.helpers import shipped_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client, ann, make_product, stripe_standin):
    dress = make_product(title="Wrap Dress", stock={("M", "Black"): 5, ("L", "Black"): 5})
    return shipped_order(client, stripe_standin, (dress.variants.get(size__name="M"), 2))


@pytest.fixture
def api(ann):
    client = APIClient()
    client.force_authenticate(ann)
    return client


def test_a_shopper_books_lists_and_calls_off_a_return(api, order):
    line = order.lines.get()
    large = line.variant.product.variants.get(size__name="L")

    # When Ann asks for one dress back in L
    booked = api.post(
        "/api/v1/returns/",
        {
            "order": order.number,
            "lines": [
                {
                    "line": line.pk,
                    "quantity": 1,
                    "reason": "too_small",
                    "outcome": "exchange",
                    "exchange_variant": large.pk,
                }
            ],
        },
        format="json",
    )

    # Then it is booked, listed, and can be called off
    assert booked.status_code == 201, booked.json()
    number = booked.json()["number"]
    assert booked.json()["lines"] == [
        {
            "line": line.pk,
            "product_title": "Wrap Dress",
            "quantity": 1,
            "reason": "too_small",
            "outcome": "exchange",
            "exchange_variant": large.pk,
            "received_quantity": 0,
        }
    ]
    assert [item["number"] for item in api.get("/api/v1/returns/").json()["results"]] == [number]
    cancelled = api.post(f"/api/v1/returns/{number}/cancel/")
    assert cancelled.json()["status"] == "cancelled"


def test_bad_returns_are_refused_with_the_reason(api, order):
    line = order.lines.get()
    too_many = api.post(
        "/api/v1/returns/",
        {
            "order": order.number,
            "lines": [{"line": line.pk, "quantity": 3, "reason": "faulty", "outcome": "refund"}],
        },
        format="json",
    )
    assert (too_many.status_code, too_many.json()) == (
        400,
        {"lines": ["You can return at most 2 of Wrap Dress."]},
    )
    assert not Return.objects.exists()


def test_someone_elses_order_and_returns_are_not_found(api, order):
    other = APIClient()
    other.force_authenticate(UserFactory(email="bob@example.com"))
    line = order.lines.get()
    response = other.post(
        "/api/v1/returns/",
        {
            "order": order.number,
            "lines": [{"line": line.pk, "quantity": 1, "reason": "faulty", "outcome": "refund"}],
        },
        format="json",
    )
    assert response.status_code == 404
    assert APIClient().get("/api/v1/returns/").status_code == 401
