"""seed_demo builds a believable store, and a second run changes nothing."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count, Max, Min

from catalog.models import CategoryPage, ProductImage, ProductPage, ProductVariant
from home.models import HomePage

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {
        "products": ProductPage.objects.count(),
        "variants": ProductVariant.objects.count(),
        "images": ProductImage.objects.count(),
        "categories": CategoryPage.objects.count(),
        "homes": HomePage.objects.count(),
    }


def test_seed_demo_builds_the_store_and_is_idempotent(client):
    # When the demo store is seeded twice
    call_command("seed_demo", products=40, renditions=False, verbosity=0)
    first = counts()
    call_command("seed_demo", products=40, renditions=False, verbosity=0)

    # Then the second run added nothing
    assert counts() == first
    assert first["products"] == 40
    assert first["homes"] == 1
    assert CategoryPage.objects.filter(title="Dresses").exists()
    assert Group.objects.filter(name__in=["Editors", "Merchandisers"]).count() == 2

    # And products have 2 to 6 sizes and 1 to 4 colours, some sold out, all live and findable
    per_product = ProductPage.objects.annotate(
        sizes=Count("variants__size", distinct=True),
        colours=Count("variants__colour", distinct=True),
    ).aggregate(Min("sizes"), Max("sizes"), Min("colours"), Max("colours"))
    assert per_product["sizes__min"] >= 2
    assert per_product["sizes__max"] <= 6
    assert per_product["colours__min"] >= 1
    assert per_product["colours__max"] <= 4
    assert ProductVariant.objects.filter(stock=0).exists()
    assert ProductVariant.objects.filter(stock__gt=0).exists()
    assert not ProductPage.objects.filter(gallery_images=None).exists()

    # And the site works: home, a category with products, search, a product page
    assert client.get("/").status_code == 200
    dresses = CategoryPage.objects.get(title="Midi dresses")
    response = client.get(dresses.url)
    assert response.status_code == 200
    assert response.context["listing"].product_count > 0
    product = ProductPage.objects.live().first()
    assert client.get(product.url).status_code == 200
    assert client.get("/search/", {"q": product.title.split()[0]}).context["results"].count


def test_seed_demo_adds_only_the_missing_products():
    call_command("seed_demo", products=10, renditions=False, verbosity=0)
    slugs = set(ProductPage.objects.values_list("slug", flat=True))
    call_command("seed_demo", products=15, renditions=False, verbosity=0)
    assert ProductPage.objects.count() == 15
    assert slugs < set(ProductPage.objects.values_list("slug", flat=True))
    # the tree stays consistent for Wagtail after bulk inserts
    from wagtail.models import Page

    assert Page.find_problems() == ([], [], [], [], [])


def test_seed_demo_reports_its_progress():
    # When the demo store is seeded
    out = io.StringIO()
    call_command("seed_demo", products=25, renditions=False, stdout=out)

    # Then it says how far it is, the pictures it draws counted as it goes
    lines = [line.split("] ", 1)[-1] for line in out.getvalue().splitlines()]
    assert lines == [
        "site tree, sizes, colours, size guides and categories ready",
        "image pool: pictures drawn 20/66…",
        "image pool: pictures drawn 40/66…",
        "image pool: pictures drawn 60/66…",
        "image pool: pictures drawn 66/66",
        "image pool: 66 images, 66 new",
        "products: 25 pages in the tree",
        f"products: {ProductVariant.objects.count()} variants and "
        f"{ProductImage.objects.count()} gallery images",
        "products: indexed for search 25/25",
        "25 new products; 25 in the catalog",
        "Demo store ready: 25 products (25 new).",
    ]
