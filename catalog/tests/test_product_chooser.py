"""The product chooser of the page editor: each product with its picture, price and stock state,
searchable and filtered by category; the chosen product shows its picture and title. Pictures
are the renditions publishing made, never made by the admin's request."""

import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.images import get_image_model

from catalog.models import MerchandisingSettings
from catalog.tasks import warm_product_pictures
from catalog.tests.factories import CategoryPageFactory
from home.blocks import ProductPicksBlock
from home.models import HomePage

pytestmark = pytest.mark.django_db

CHOOSE = reverse("product_chooser:choose")
RESULTS = reverse("product_chooser:choose_results")


@pytest.fixture
def editor(client, staff):
    client.force_login(staff["editor"])
    return staff["editor"]


def rendition_count() -> int:
    return get_image_model().get_rendition_model().objects.count()


def modal_rows(response) -> list[list[str]]:
    html = json.loads(response.content)["html"] if "json" in response["Content-Type"] else (
        response.content.decode()
    )  # fmt: skip
    soup = BeautifulSoup(html, "html.parser")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in soup.select("tbody tr")
    ]


def test_the_chooser_lists_each_products_picture_price_and_stock(client, editor, make_product):
    # Given a product on sale with pieces, one low, one sold out, and one not sold in any size
    MerchandisingSettings.objects.update_or_create(pk=1, defaults={"low_stock_threshold": 3})
    plenty = make_product(
        title="A Linen Dress", price=Decimal("80.00"), compare_at_price=Decimal("120.00"),
        stock={("S", "Black"): 6, ("M", "Black"): 4},
    )  # fmt: skip
    make_product(title="B Slip Dress", stock={("M", "Black"): 2})
    make_product(title="C Wrap Dress", stock={("M", "Ivory"): 0})
    make_product(title="D New Dress", stock={}).variants.all().delete()
    warm_product_pictures(plenty.pk)  # as publishing does; the others' pictures are not made
    made = rendition_count()

    # When an editor opens the chooser
    response = client.get(CHOOSE)

    # Then each product shows its price and stock, and the picture where it is made
    assert response.status_code == 200
    assert modal_rows(response) == [
        ["", "A Linen Dress", "$80.00 (was $120.00)", "10 in stock", "live"],
        ["", "B Slip Dress", "$100.00", "Low: 2 left", "live"],
        ["", "C Wrap Dress", "$100.00", "Sold out", "live"],
        ["", "D New Dress", "$100.00", "No sizes yet", "live"],
    ]
    soup = BeautifulSoup(json.loads(response.content)["html"], "html.parser")
    pictures = soup.select("td.product-chooser__picture")
    assert [bool(cell.select("picture")) for cell in pictures] == [True, False, False, False]
    assert rendition_count() == made  # the request made none


def test_the_chooser_searches_and_filters_by_category(client, editor, category, make_product):
    skirts = CategoryPageFactory(parent=category.get_parent(), title="Skirts")
    make_product(title="Linen Dress")
    make_product(title="Silk Dress")
    make_product(title="Linen Skirt", parent=skirts)

    found = modal_rows(client.get(RESULTS, {"q": "linen"}))
    assert sorted(row[1:4] for row in found) == [
        ["Linen Dress", "$100.00", "Low: 5 left"],
        ["Linen Skirt", "$100.00", "Low: 5 left"],
    ]
    assert [row[1] for row in modal_rows(client.get(RESULTS, {"category": skirts.pk}))] == [
        "Linen Skirt"
    ]


def test_the_choosers_queries_do_not_grow_with_the_products(client, editor, make_product):
    def queries_for_a_page_of(count: int) -> int:
        for n in range(count):
            product = make_product(title=f"Dress {count}-{n}")
            warm_product_pictures(product.pk)
        client.get(RESULTS)  # the session and the settings, read once
        with CaptureQueriesContext(connection) as page:
            assert client.get(RESULTS).status_code == 200
        return len(page)

    assert queries_for_a_page_of(2) == queries_for_a_page_of(6)


def test_a_chosen_product_comes_with_its_title_and_picture(client, editor, make_product):
    product = make_product(title="Linen Dress")
    warm_product_pictures(product.pk)
    thumb = (
        get_image_model()
        .get_rendition_model()
        .objects.get(
            image=product.gallery_images.get().image, filter_spec="fill-96x120-c50|format-jpeg"
        )
    )

    response = client.get(reverse("product_chooser:chosen", args=[product.pk]))

    result = json.loads(response.content)["result"]
    assert result["id"] == str(product.pk)
    assert result["title"] == "Linen Dress"
    assert result["preview"] == {"url": thumb.url, "width": 96, "height": 120}


def test_a_product_whose_picture_is_not_made_shows_the_icon_and_makes_none(
    client, editor, make_product
):
    product = make_product(title="Linen Dress")
    made = rendition_count()

    result = json.loads(client.get(reverse("product_chooser:chosen", args=[product.pk])).content)

    assert result["result"]["preview"] is None
    assert rendition_count() == made


def test_the_chosen_products_block_shows_their_pictures_and_titles(make_product):
    # Given picks of a product whose picture is made and one whose picture is not
    pictured, plain = make_product(title="Linen Dress"), make_product(title="Silk Dress")
    warm_product_pictures(pictured.pk)
    block = ProductPicksBlock()

    # When the editor's form for the block is made
    state = block.get_form_state(
        block.to_python({"heading": "Picks", "products": [pictured.pk, plain.pk]})
    )

    # Then each chosen product brings its title and (where made) its picture
    chosen = [item["value"] for item in state["products"]]
    assert [(c["title"], bool(c["preview"])) for c in chosen] == [
        ("Linen Dress", True),
        ("Silk Dress", False),
    ]


def test_product_picks_stored_by_the_page_chooser_read_and_save_as_before(home_page, make_product):
    # Given a home page body as the page chooser stored it: the product page's id
    product = make_product(title="Linen Dress")
    stored = [
        {
            "type": "product_picks",
            "id": "picks",
            "value": {
                "heading": "Picks",
                "products": [{"type": "item", "id": "pick-1", "value": product.pk}],
            },
        }
    ]
    HomePage.objects.filter(pk=home_page.pk).update(body=json.dumps(stored))

    # When it is read with the product chooser's block, and saved again
    home = HomePage.objects.get(pk=home_page.pk)
    assert home.body[0].value["products"][0] == product
    home.save()

    # Then it stores the same id
    home.refresh_from_db()
    assert home.body.raw_data[0]["value"]["products"][0]["value"] == product.pk
