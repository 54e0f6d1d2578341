"""Adding to the basket fails closed: a POST that says nothing of where it comes from is refused,
unless its Referer is one of our own pages."""

import pytest
from django.urls import reverse

from checkout.models import BasketLine

pytestmark = pytest.mark.django_db
REFUSED = (
    "Nothing was added to your basket, because we could not tell that the request came from one "
    "of our pages. Please go back to the product page and add the piece from there."
)


@pytest.fixture
def variant(make_product):
    return make_product(title="Wrap Dress", stock={("M", "Black"): 3}).variants.get()


def add(client, variant, **headers):
    return client.post(
        reverse("checkout:basket_add"), {"variant": variant.pk, "quantity": "1"}, **headers
    )


def test_a_post_without_sec_fetch_site_origin_or_referer_is_refused(client, variant):
    # When a POST says nothing of where it comes from
    response = add(client, variant)

    # Then nothing is added, and the answer says why and what to do
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert not BasketLine.objects.exists()


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/shop/",
        "http://testserver.evil.example/shop/",
        "https://testserver/shop/",  # our host, but not our scheme
        "not a url",
    ],
)
def test_a_foreign_referer_is_refused(client, variant, referer):
    response = add(client, variant, HTTP_REFERER=referer)
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert not BasketLine.objects.exists()


def test_a_referer_from_our_own_pages_adds(client, variant):
    # When the POST carries only a Referer from one of our pages
    response = add(client, variant, HTTP_REFERER="http://testserver/shop/dresses/wrap-dress/")

    # Then the piece is added
    assert response.status_code == 302
    assert BasketLine.objects.get().quantity == 1
