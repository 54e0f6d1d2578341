"""Cache-busting the API: the product list keeps one fragment per query it understands, whatever
else the query string holds, and its links carry only what it understands."""

import pytest
from django.conf import settings
from django.core.cache import caches
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def fragments(kind: str) -> int:
    return sum(len(caches[alias].keys(f"fragment:{kind}:*")) for alias in settings.CACHES)


def test_stray_parameters_make_no_new_product_list_fragment(make_product):
    # Given two products, one per page
    make_product(title="Wrap Dress")
    make_product(title="Slip Dress")
    api = APIClient()

    # When the list is asked for with stray parameters, in any order, then without them
    first = api.get("/api/v1/products/?z=1&page_size=1&in_stock=true").json()
    api.get("/api/v1/products/?in_stock=true&page_size=1&z=2")
    last = api.get("/api/v1/products/?page_size=1&in_stock=true").json()

    # Then one fragment serves all three, and its links carry no stray parameter
    assert fragments("api-products") == 1
    assert first == last
    assert first["next"] == "http://testserver/api/v1/products/?in_stock=true&page=2&page_size=1"
