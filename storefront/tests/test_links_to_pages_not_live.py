"""Links editors make to pages that are not live yet (drafts, scheduled pages): shoppers never
follow one to a 404 (the link shows once the page is live), editors are warned when they save
one, and the page's usage counts the store settings' links to it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import LandingPage
from storefront.models import StoreSettings
from storefront.tests.helpers import run_beat_entry
from testing.admin import answer
from testing.clock import later_by
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(home_page):
    """ "Summer sale", a landing page saved as a draft, never published."""
    page = home_page.add_child(instance=LandingPage(title="Summer sale", slug="summer-sale"))
    page.unpublish()
    page.save_revision()
    return page


@pytest.fixture
def scheduled(home_page):
    """ "Summer sale", a landing page scheduled to go live in ten minutes."""
    page = home_page.add_child(instance=LandingPage(title="Summer sale", slug="summer-sale"))
    page.unpublish()
    page.go_live_at = timezone.now() + timedelta(minutes=10)
    page.save_revision().publish()
    return page


def links(soup, selector: str) -> list[tuple[str, str | None]]:
    return [(a.get_text(strip=True), a.get("href")) for a in soup.select(selector)]


def test_the_header_and_footer_link_a_scheduled_page_once_it_is_live(
    scheduled, django_capture_on_commit_callbacks
):
    # Given store settings that announce the sale and link it from the footer
    store = StoreSettings.load()
    store.announcement = "Summer sale: 20 % off"
    store.announcement_link = scheduled
    store.footer_columns = [
        (
            "column",
            {
                "heading": "Offers",
                "links": [
                    {"label": "Summer sale", "page": scheduled, "link_url": ""},
                    {"label": "Returns", "page": None, "link_url": "https://example.com/returns"},
                ],
            },
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        store.save()
    shopper = Client()

    # Then until the sale goes live, shoppers read the announcement but get no link to it
    soup = soup_of(shopper.get("/"))
    assert soup.select_one(".announcement").get_text(strip=True) == "Summer sale: 20 % off"
    assert links(soup, ".announcement a") == []
    assert links(soup, ".site-footer__column a") == [("Returns", "https://example.com/returns")]

    # And once beat has published it, the cached header and footer link it
    with later_by(timedelta(minutes=11)), django_capture_on_commit_callbacks(execute=True):
        run_beat_entry("publish-scheduled-pages")
    soup = soup_of(shopper.get("/"))
    assert links(soup, ".announcement a") == [("Summer sale: 20 % off", "/summer-sale/")]
    assert links(soup, ".site-footer__column a") == [
        ("Summer sale", "/summer-sale/"),
        ("Returns", "https://example.com/returns"),
    ]


def test_page_blocks_link_a_draft_page_once_it_is_published(
    home_page, draft, django_capture_on_commit_callbacks
):
    # Given a live landing page whose banner and text link the draft sale
    teaser = home_page.add_child(instance=LandingPage(title="Coming soon", slug="coming-soon"))
    teaser.body = [
        (
            "promo_banner",
            {
                "text": "Summer is coming",
                "theme": "accent",
                "link": {"label": "See the sale", "page": draft, "link_url": ""},
            },
        ),
        ("text", f'<p>Read <a linktype="page" id="{draft.pk}">the sale</a> first.</p>'),
    ]
    teaser.save_revision().publish()
    shopper = Client()

    # Then shoppers see the banner and the words, but no link to the draft
    soup = soup_of(shopper.get("/coming-soon/"))
    assert soup.select_one(".promo__text").get_text(" ", strip=True) == "Summer is coming"
    assert soup.select_one(".text-block").get_text(" ", strip=True) == "Read the sale first."
    assert [a.get("href") for a in soup.select(".stream a")] == [None]

    # And once the sale is published, both link it
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()
    soup = soup_of(shopper.get("/coming-soon/"))
    assert [a.get("href") for a in soup.select(".stream a")] == ["/summer-sale/", "/summer-sale/"]


def settings_form(**fields) -> dict:
    return nested_form_data(
        {
            "store_name": "The Dress Store",
            "announcement": "",
            "announcement_link": "",
            "footer_columns": streamfield([]),
            "social_links": streamfield([]),
            **fields,
        }
    )


def test_an_editor_linking_a_page_not_live_from_the_settings_is_warned(client, staff, scheduled):
    client.force_login(staff["editor"])
    edit = reverse(
        "wagtailsettings:edit", args=["storefront", "storesettings", StoreSettings.load().pk]
    )

    response = client.post(
        edit,
        settings_form(announcement="Summer sale", announcement_link=str(scheduled.pk)),
        follow=True,
    )

    assert answer(response)[1] == [
        ("success", "Store settings updated."),
        (
            "warning",
            "Shoppers will not see the link to “Summer sale” (scheduled) until that page is live.",
        ),
    ]


def test_an_editor_publishing_a_page_that_links_a_draft_is_warned(client, staff, home_page, draft):
    client.force_login(staff["editor"])
    add = reverse("wagtailadmin_pages:add", args=["home", "landingpage", home_page.pk])
    body = streamfield(
        [
            (
                "promo_banner",
                {
                    "text": "Summer is coming",
                    "theme": "accent",
                    "link": {"label": "See the sale", "page": str(draft.pk), "link_url": ""},
                },
            ),
            ("text", rich_text(f'<p><a linktype="page" id="{home_page.pk}">Home</a></p>')),
        ]
    )
    data = nested_form_data(
        {"title": "Coming soon", "slug": "coming-soon", "body": body, "action-publish": "publish"}
    )

    response = client.post(add, data, follow=True)

    assert LandingPage.objects.get(slug="coming-soon").live
    assert [message for level, message in answer(response)[1] if level == "warning"] == [
        "Shoppers will not see the link to “Summer sale” (draft) until that page is live."
    ]


def test_a_page_s_usage_counts_the_store_settings_links(client, staff, draft):
    store = StoreSettings.load()
    store.announcement = "Summer sale"
    store.announcement_link = draft
    store.footer_columns = [
        (
            "column",
            {"heading": "Offers", "links": [{"label": "Sale", "page": draft, "link_url": ""}]},
        )
    ]
    store.save()
    client.force_login(staff["editor"])

    soup = soup_of(client.get(reverse("wagtailadmin_pages:usage", args=[draft.pk])))

    [row] = soup.select("tbody tr")
    assert row.select_one("td.title a")["href"] == reverse(
        "wagtailsettings:edit", args=["storefront", "storesettings", store.pk]
    )
    assert sorted(" ".join(link.get_text().split()) for link in row.select("li a")) == [
        "Announcement link",
        "Footer links → Column",
    ]
