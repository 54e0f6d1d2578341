"""The shell every page wears: the store's settings, the navigation, and the links in them."""

import pytest
from wagtail.blocks.struct_block import StructBlockValidationError

from catalog.tests.factories import CategoryPageFactory
from home.models import LandingPage
from storefront import blocks
from storefront.links import absolute_url
from storefront.models import StoreSettings
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


def test_settings_and_navigation_shape_the_shell(client, home_page, shop, category, settings):
    store = StoreSettings.load()
    store.store_name = "Maison Robe"
    store.announcement = "Free returns for 30 days"
    store.announcement_link = category
    store.footer_columns = [
        (
            "column",
            {
                "heading": "Help",
                "links": [
                    {"label": "Returns", "page": None, "link_url": "https://example.com/returns"}
                ],
            },
        )
    ]
    store.social_links = [("link", {"network": "instagram", "url": "https://instagram.com/maison"})]
    store.save()
    home_page.add_child(
        instance=LandingPage(title="Our story", slug="our-story", show_in_menus=True)
    )

    soup = soup_of(client.get(category.url))

    assert soup.select_one(".brand").get_text() == "Maison Robe"
    assert soup.select_one(".announcement a")["href"] == "/shop/dresses/"
    assert [a.get_text() for a in soup.select(".main-nav a")] == [
        "Shop all",
        "Dresses",
        "Our story",
    ]
    assert soup.select_one(".main-nav a[aria-current]").get_text() == "Dresses"
    assert soup.select_one(".site-footer__column a")["href"] == "https://example.com/returns"
    assert soup.select_one(".social-links a").get_text() == "Instagram"
    assert "Maison Robe" in soup.select_one("title").get_text()


def test_navigation_follows_publishing(client, shop, category, django_capture_on_commit_callbacks):
    assert "Tops" not in soup_of(client.get("/")).select_one(".main-nav").get_text()

    with django_capture_on_commit_callbacks(execute=True):
        tops = CategoryPageFactory(
            parent=shop, title="Tops", slug="tops", show_in_menus=True, live=False
        )
        tops.save_revision().publish()

    assert "Tops" in soup_of(client.get("/")).select_one(".main-nav").get_text()


def test_link_block_wants_a_page_or_a_url_but_not_both(category):
    link = blocks.LinkBlock()

    def refusal(value: dict) -> dict:
        with pytest.raises(StructBlockValidationError) as refused:
            link.clean(link.to_python(value))
        return {name: error.messages for name, error in refused.value.block_errors.items()}

    not_both = {"page": ["Choose a page or enter a URL, but not both."]}
    assert refusal({"label": "Both", "page": category.pk, "link_url": "https://x.example"}) == (
        not_both
    )
    assert refusal({"label": "Neither", "page": None, "link_url": ""}) == not_both

    to_a_url = link.clean(
        link.to_python({"label": "Ok", "page": None, "link_url": "https://x.example"})
    )
    to_a_page = link.clean(link.to_python({"label": "Ok", "page": category.pk, "link_url": ""}))
    assert (to_a_url["label"], to_a_url.url()) == ("Ok", "https://x.example")
    assert to_a_page.url() == "/shop/dresses/"


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("", "https://shop.example.com/"),
        (None, "https://shop.example.com/"),
        ("/shop/", "https://shop.example.com/shop/"),
        ("shop/", "https://shop.example.com/shop/"),
        ("https://cdn.example.net/a.jpg", "https://cdn.example.net/a.jpg"),
    ],
)
def test_absolute_url_puts_paths_on_the_site_url(settings, path, url):
    settings.SITE_URL = "https://shop.example.com"
    assert absolute_url(path) == url
