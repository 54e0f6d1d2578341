"""Scheduled publishing: Celery beat runs Wagtail's `publish_scheduled` every minute, so a page
an editor schedules goes live on time and an expiring one comes down, and what the store keeps
in its caches (the header's navigation, the catalog's listings) follows at once."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, streamfield

from catalog.tests.factories import ProductPageFactory
from home.models import LandingPage
from storefront.tests.helpers import run_beat_entry
from testing.clock import later_by
from testing.pages import soup_of

pytestmark = pytest.mark.django_db

SCHEDULED = "Currently locked and will go live on the scheduled date"


def navigation(shopper) -> list[str]:
    return [a.get_text() for a in soup_of(shopper.get("/")).select(".main-nav a")]


def test_beat_publishes_scheduled_pages_every_minute():
    assert settings.CELERY_BEAT_SCHEDULE["publish-scheduled-pages"]["schedule"] == 60.0


def test_a_page_an_editor_schedules_goes_live_on_time(
    client, staff, home_page, django_capture_on_commit_callbacks
):
    # Given a shopper who has seen the home page (its header is now cached)
    shopper = Client()
    assert navigation(shopper) == ["Shop all"]

    # When an editor schedules a landing page, shown in the menu, to go live in ten minutes
    client.force_login(staff["editor"])
    add = reverse("wagtailadmin_pages:add", args=["home", "landingpage", home_page.pk])
    go_live_at = timezone.now() + timedelta(minutes=10)
    data = nested_form_data(
        {
            "title": "Summer sale",
            "slug": "summer-sale",
            "body": streamfield([]),
            "show_in_menus": "on",
            "go_live_at": go_live_at.strftime("%Y-%m-%d %H:%M"),
            "action-publish": "action-publish",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(add, data).status_code == 302
    page = LandingPage.objects.get(slug="summer-sale")
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])

    # Then until then it is not there, and the editor is told it will go live
    assert shopper.get("/summer-sale/").status_code == 404
    assert SCHEDULED in client.get(edit).content.decode()

    # And when beat's minute comes round after the go-live time
    with later_by(timedelta(minutes=12)), django_capture_on_commit_callbacks(execute=True):
        run_beat_entry("publish-scheduled-pages")

    # Then shoppers find it, in the header too, and the editor sees it live
    assert soup_of(shopper.get("/summer-sale/")).select_one("h1").get_text() == "Summer sale"
    assert navigation(shopper) == ["Shop all", "Summer sale"]
    page.refresh_from_db()
    assert (page.live, page.status_string) == (True, "live")
    assert SCHEDULED not in client.get(edit).content.decode()


def test_an_expiring_page_comes_down_on_time(home_page, django_capture_on_commit_callbacks):
    # Given a live landing page in the menu, set to expire in ten minutes, that a shopper saw
    page = home_page.add_child(
        instance=LandingPage(title="Flash sale", slug="flash-sale", show_in_menus=True)
    )
    page.expire_at = timezone.now() + timedelta(minutes=10)
    page.save_revision().publish()
    shopper = Client()
    assert shopper.get("/flash-sale/").status_code == 200
    assert navigation(shopper) == ["Shop all", "Flash sale"]

    # When beat's minute comes round after its expiry
    with later_by(timedelta(minutes=11)), django_capture_on_commit_callbacks(execute=True):
        run_beat_entry("publish-scheduled-pages")

    # Then it is gone, from the header too, and marked expired
    assert shopper.get("/flash-sale/").status_code == 404
    assert navigation(shopper) == ["Shop all"]
    page.refresh_from_db()
    assert (page.live, page.expired) == (False, True)


def test_a_scheduled_product_joins_the_cached_listing(
    category, make_product, django_capture_on_commit_callbacks
):
    # Given a category listing that a shopper saw (and the store cached) with one dress in it
    make_product(title="Black Dress")
    shopper = Client()

    def listed() -> list[str]:
        soup = soup_of(shopper.get(category.url))
        return [title.get_text(strip=True) for title in soup.select(".product-card__title")]

    assert listed() == ["Black Dress"]

    # When a merchandiser schedules another to go live in five minutes
    later = ProductPageFactory(parent=category, title="Linen Dress", live=False)
    later.go_live_at = timezone.now() + timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        later.save_revision().publish()
    assert listed() == ["Black Dress"]

    # Then it is listed once beat's minute comes round after that
    with later_by(timedelta(minutes=6)), django_capture_on_commit_callbacks(execute=True):
        run_beat_entry("publish-scheduled-pages")
    assert sorted(listed()) == ["Black Dress", "Linen Dress"]
