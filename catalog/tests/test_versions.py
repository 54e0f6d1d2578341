"""The catalog's cache versions: who bumps them, and that they live until bumped."""

import pytest
from wagtail.models import Site

from catalog import versions
from catalog.stock import adjust_stock
from catalog.tests.factories import (
    CategoryPageFactory,
    ColourFactory,
    SizeFactory,
    SizeGuideFactory,
)
from catalog.versions import cache
from storefront import shell

pytestmark = pytest.mark.django_db


def test_a_version_lives_until_it_is_bumped():
    # Given the catalog's version, read once
    first = versions.current()

    # Then it is stored without an expiry, and reads give the same one
    assert cache.ttl(versions.CATALOG_KEY) is None
    assert cache.ttl(versions.STOCK_KEY) is None
    assert versions.current() == first


def test_a_lost_version_is_made_anew_on_the_next_read():
    # Given a version that Redis then loses
    first = versions.current()
    cache.delete(versions.CATALOG_KEY)

    # When it is read again, a new one is made and kept
    second = versions.current()
    assert second != first
    assert versions.current() == second


def test_the_shells_cache_going_does_not_change_the_catalogs_version(client, home_page):
    # Given a page served (the shell is cached) and the catalog's version
    client.get("/")
    before = versions.current()

    # When the shell's cache entry is thrown away (it expires hourly)
    shell.forget()
    client.get("/")

    # Then the catalog's fragments keep their version
    assert versions.current() == before


def test_the_request_reads_the_versions_once(rf):
    request = rf.get("/")
    first = versions.current(request)
    cache.set(versions.CATALOG_KEY, "changed", None)
    assert versions.current(request) == first


def test_publishing_moving_and_deleting_pages_bump_the_catalog(
    category, make_product, django_capture_on_commit_callbacks
):
    product = make_product(title="Versioned Dress")

    def bumped(change) -> bool:
        before = versions.current()
        with django_capture_on_commit_callbacks(execute=True):
            change()
        return versions.current() != before

    assert bumped(lambda: product.save_revision().publish())
    assert bumped(lambda: product.unpublish())
    sibling = CategoryPageFactory(parent=category.get_parent(), title="Skirts")
    assert bumped(lambda: product.move(sibling, pos="last-child"))
    assert bumped(lambda: product.delete())


@pytest.mark.parametrize(
    "factory", [SizeFactory, ColourFactory, SizeGuideFactory], ids=lambda f: f.__name__
)
def test_saving_and_deleting_sizes_colours_and_guides_bump_the_catalog(
    factory, django_capture_on_commit_callbacks
):
    before = versions.current()
    with django_capture_on_commit_callbacks(execute=True):
        item = factory()
    saved = versions.current()
    with django_capture_on_commit_callbacks(execute=True):
        item.delete()

    assert len({before, saved, versions.current()}) == 3


def test_saving_a_site_bumps_the_catalog(home_page, django_capture_on_commit_callbacks):
    # Given the catalog's version (routes are kept per version, catalog.routing)
    site = Site.objects.get(is_default_site=True)
    before = versions.catalog()

    # When the site's host changes
    with django_capture_on_commit_callbacks(execute=True):
        site.hostname = "shop.example.com"
        site.save()

    # Then the routes found for the old host are asked for no more
    assert versions.catalog() != before


def test_stock_moves_bump_the_stock_version_once_committed(
    make_product, django_capture_on_commit_callbacks
):
    # Given a variant and the versions before it moves
    variant = make_product(stock={("M", "Black"): 3}).variants.get()
    catalog_before, stock_before = versions.read(versions.CATALOG_KEY, versions.STOCK_KEY)

    # When its stock moves, the stock version waits for the commit
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        adjust_stock(variant_id=variant.pk, change=-1)
    assert versions.read(versions.STOCK_KEY) == [stock_before]
    for callback in callbacks:
        callback()

    # Then only the stock version changed
    catalog_after, stock_after = versions.read(versions.CATALOG_KEY, versions.STOCK_KEY)
    assert catalog_after == catalog_before
    assert stock_after != stock_before
