"""The home page and its blocks."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.blocks import Block

from catalog.stock import adjust_stock
from catalog.tasks import warm_product_pictures
from catalog.tests.factories import ImageFactory
from home import blocks
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def furnished_home(home_page, shop, category, make_product):
    picks = [make_product(title=f"Pick {n}", price=Decimal("50.00") + n) for n in range(3)]
    image = ImageFactory()
    category.image = image
    category.save()
    home_page.body = [
        (
            "hero",
            {
                "image": image,
                "image_alt": "Dresses on a rail",
                "heading": "The summer edit",
                "text": "Linen for long days.",
                "call_to_action": {"label": "Shop dresses", "page": category, "link_url": ""},
            },
        ),
        ("text", "<h2>Made to last</h2><p>Fewer, better things.</p>"),
        ("product_picks", {"heading": "Favourites", "products": picks}),
        ("category_tiles", {"heading": "Shop by category", "categories": [category]}),
        (
            "promo_banner",
            {
                "text": "Free returns",
                "theme": "dark",
                "link": {
                    "label": "Details",
                    "page": None,
                    "link_url": "https://example.com/returns",
                },
            },
        ),
        (
            "image_with_text",
            {
                "image": image,
                "image_alt": "Linen",
                "heading": "Fabrics first",
                "text": "<p>We start with the cloth.</p>",
                "image_position": "right",
                "link": {"label": "", "page": None, "link_url": ""},
            },
        ),
    ]
    home_page.save_revision().publish()
    return home_page


def test_home_page_renders_every_block(client, furnished_home):
    soup = soup_of(client.get("/"))

    hero = soup.select_one(".hero")
    assert hero.select_one("h2").get_text() == "The summer edit"
    assert hero.select_one("img")["alt"] == "Dresses on a rail"
    assert hero.select_one("a.button")["href"] == "/shop/dresses/"
    assert soup.select_one(".text-block h2").get_text() == "Made to last"
    assert [t.get_text(strip=True) for t in soup.select(".product-card__title")] == [
        "Pick 0",
        "Pick 1",
        "Pick 2",
    ]
    assert soup.select_one(".tile__label").get_text() == "Dresses"
    assert soup.select_one(".promo--dark a")["href"] == "https://example.com/returns"
    assert soup.select_one(".media-text--image-right h2").get_text() == "Fabrics first"


def test_home_page_queries_do_not_grow_with_picks(
    client, furnished_home, make_product, django_capture_on_commit_callbacks
):
    client.get("/")  # caches the store's shell

    # When the body is rendered with three picks, then with eight (each publish is a new
    # revision, so its body is rendered afresh, and changes the catalog's version once it
    # commits, so the page is too)
    with django_capture_on_commit_callbacks(execute=True):
        furnished_home.save_revision().publish()
    with CaptureQueriesContext(connection) as three:
        client.get("/")
    more = [make_product(title=f"Extra {n}") for n in range(5)]
    for product in more:
        warm_product_pictures(product.pk)  # as publishing them would
    furnished_home.body[2].value["products"].extend(more)
    with django_capture_on_commit_callbacks(execute=True):
        furnished_home.save_revision().publish()
    with CaptureQueriesContext(connection) as eight:
        response = client.get("/")

    # Then both take the same number of queries
    assert len(soup_of(response).select(".product-card")) == 8
    assert len(eight) == len(three), "\n".join(q["sql"][:150] for q in eight)

    # And the rendered body is reused until the catalog changes
    with CaptureQueriesContext(connection) as cached:
        again = client.get("/")
    assert again.content == response.content
    assert len(cached) < len(eight)


def test_home_picks_show_a_sale_of_the_last_piece_at_once(
    client, furnished_home, django_capture_on_commit_callbacks
):
    # Given the home page rendered while "Pick 1" had pieces left
    assert not soup_of(client.get("/")).select(".product-card--sold-out")
    pick = furnished_home.body[2].value["products"][1]

    # When its last pieces are sold
    with django_capture_on_commit_callbacks(execute=True):
        adjust_stock(variant_id=pick.variants.get().pk, change=-pick.variants.get().stock)

    # Then the home page marks it sold out
    sold_out = soup_of(client.get("/")).select(".product-card--sold-out .product-card__title")
    assert [title.get_text(strip=True) for title in sold_out] == ["Pick 1"]


@pytest.mark.parametrize(
    ("block", "shows"),
    [
        (blocks.HeroBlock(), ["Summer, unhurried", "Shop dresses"]),
        (blocks.TextBlock(), ["Made to be worn"]),
        (blocks.ProductPicksBlock(), ["Editor's picks", "Preview Dress"]),
        (blocks.CategoryTilesBlock(), ["Shop by category", "Dresses"]),
        (blocks.PromoBannerBlock(), ["Free shipping on orders over $100", "See the details"]),
        (blocks.ImageWithTextBlock(), ["Knitwear that lasts", "Merino and cotton blends"]),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Block) else "",
)
def test_every_block_has_a_template_and_a_preview_that_renders(
    block, shows, category, make_product
):
    # Given a library with an image, a product and a category to preview with
    ImageFactory()
    make_product(title="Preview Dress")

    # When the block renders its preview value
    html = block.render(block.get_preview_value())

    # Then it uses its own template and shows the preview's content
    assert block.meta.template.startswith("blocks/")
    assert block.meta.icon
    text = BeautifulSoup(html, "html.parser").get_text(" ", strip=True)
    for expected in shows:
        assert expected in text
