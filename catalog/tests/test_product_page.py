"""Product pages: gallery, the size x colour picker with sold-out variants, prices, structured
data, and stock that page revisions can never overwrite."""

import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.images import rendition_prefetch
from catalog.models import ProductImage, ProductVariant
from catalog.stock import adjust_stock
from catalog.tasks import warm_product_pictures
from catalog.tests.factories import ImageFactory

pytestmark = pytest.mark.django_db


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_picker_offers_in_stock_variants_and_shows_sold_out_ones_disabled(client, make_product):
    # Given a dress in M black (3 left), M ivory (sold out) and L black (1 left)
    product = make_product(stock={("M", "Black"): 3, ("M", "Ivory"): 0, ("L", "Black"): 1})
    variants = {(v.size.name, v.colour.name): v for v in product.variants.all()}

    # When its page is shown
    soup = soup_of(client.get(product.url))

    # Then the picker has a radio per variant, sold-out ones disabled and labelled as such
    radios = {int(radio["value"]): radio for radio in soup.select("input[name=variant]")}
    assert set(radios) == {variant.pk for variant in variants.values()}
    assert "disabled" in radios[variants[("M", "Ivory")].pk].attrs
    assert "disabled" not in radios[variants[("M", "Black")].pk].attrs
    labels = [label.get_text(" ", strip=True) for label in soup.select(".picker__option")]
    assert "M M, Ivory, sold out" in labels
    # And L ivory, which does not exist, has no option at all
    assert len(soup.select(".picker__none")) == 1
    # And the form posts the variant and a quantity to the basket
    form = soup.select_one("form.add-to-basket")
    assert form["action"] == "/basket/add/"
    assert form.select_one("input[name=quantity]")["min"] == "1"
    # The page is cacheable for everybody: no per-visitor token in it, no cookie set by it
    assert form.select_one("input[name=csrfmiddlewaretoken]") is None


def test_sold_out_product_offers_nothing_to_buy(client, make_product):
    product = make_product(stock={("M", "Black"): 0, ("L", "Ivory"): 0})
    soup = soup_of(client.get(product.url))
    assert soup.select_one("form.add-to-basket") is None
    assert "Sold out in every size and colour" in soup.select_one(".sold-out-notice").get_text()


def test_sale_price_and_variant_price_override(client, make_product):
    product = make_product(price=Decimal("80.00"), compare_at_price=Decimal("120.00"))
    ProductVariant.objects.filter(product=product).update(price=Decimal("95.00"))
    soup = soup_of(client.get(product.url))
    assert soup.select_one(".price__now--sale").get_text(strip=True) == "$80.00"
    assert soup.select_one(".price__was").get_text(strip=True) == "$120.00"
    assert "$95.00" in soup.select_one(".picker__option").get_text(" ", strip=True)


def test_structured_data_and_open_graph(client, make_product, settings):
    settings.SITE_URL = "https://shop.example.com"
    product = make_product(
        title="Linen Wrap Dress",
        price=Decimal("129.00"),
        stock={("M", "Black"): 2, ("L", "Black"): 0},
    )
    soup = soup_of(client.get(product.url))

    data = json.loads(soup.select_one("script[type='application/ld+json']").string)
    assert data["@type"] == "Product"
    assert data["name"] == "Linen Wrap Dress"
    assert data["url"] == "https://shop.example.com/shop/dresses/linen-wrap-dress/"
    assert data["image"][0].startswith("https://shop.example.com/media/images/")
    offers = {offer["sku"]: offer for offer in data["offers"]}
    skus = {(v.size.name): v.sku for v in product.variants.all()}
    assert offers[skus["M"]]["availability"] == "https://schema.org/InStock"
    assert offers[skus["L"]]["availability"] == "https://schema.org/OutOfStock"
    assert offers[skus["M"]]["price"] == "129.00"
    assert offers[skus["M"]]["priceCurrency"] == "USD"

    assert soup.select_one("link[rel=canonical]")["href"] == data["url"]
    assert soup.select_one("meta[property='og:type']")["content"] == "product"
    assert soup.select_one("meta[property='og:image']")["content"].endswith(".jpg")
    assert soup.select_one("meta[name=description]")["content"] == product.summary


def test_json_ld_cannot_be_closed_by_a_title(client, make_product):
    product = make_product(title="Dress</script><script>alert(1)</script>")
    html = client.get(product.url).content.decode()
    assert "</script><script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_gallery_shows_every_image_as_a_picture_with_modern_formats(client, make_product):
    product = make_product()
    ProductImage.objects.create(
        product=product, image=ImageFactory(), alt_text="Back view", sort_order=1
    )
    soup = soup_of(client.get(product.url))

    pictures = soup.select(".gallery picture")
    assert len(pictures) == 2
    types = [source["type"] for source in pictures[0].select("source")]
    assert types == ["image/avif", "image/webp"]
    img = pictures[1].select_one("img")
    assert img["alt"] == "Back view"
    assert img["width"]
    assert img["height"]
    assert len(soup.select(".gallery__thumbs a")) == 2


@pytest.mark.parametrize("variant_count", [1, 6])
def test_product_page_query_count_does_not_grow_with_variants(client, make_product, variant_count):
    # Given a product with `variant_count` variants, its pictures made as publishing makes them
    combos = [(s, c) for s in ("S", "M", "L") for c in ("Black", "Ivory")][:variant_count]
    product = make_product(stock=dict.fromkeys(combos, 2))
    warm_product_pictures(product.pk)
    client.get("/")  # caches the store's shell

    # When its page is first shown
    with CaptureQueriesContext(connection) as queries:
        first = client.get(product.url)

    # Then it takes the same, small number of queries whatever the number of variants
    assert len(queries) == PRODUCT_QUERIES, "\n".join(q["sql"][:160] for q in queries)

    # And afterwards the page comes from the cache until the catalog or its stock changes
    with CaptureQueriesContext(connection) as queries:
        again = client.get(product.url)
    assert again.content == first.content
    assert len(queries) == CACHED_PRODUCT_QUERIES, "\n".join(q["sql"][:160] for q in queries)


# Site, home page, the page and its ancestors, the specific page, two for view restrictions;
# then for the product's parts: gallery with images, renditions, variants with sizes and colours
# (and one more for a size guide, when the product has one). Then the page is kept whole
# (catalog.page_cache) for shoppers who are not signed in.
PRODUCT_QUERIES = 9
CACHED_PRODUCT_QUERIES = 0


def test_the_picker_shows_a_sale_of_the_last_piece_at_once(
    client, make_product, django_capture_on_commit_callbacks
):
    # Given a product page rendered while its M in black had one piece left
    product = make_product(stock={("M", "Black"): 1, ("L", "Black"): 3})
    soup = BeautifulSoup(client.get(product.url).content, "html.parser")
    assert not soup.select(".picker__option--sold-out")

    # When that piece is sold
    with django_capture_on_commit_callbacks(execute=True):
        adjust_stock(variant_id=product.variants.get(size__name="M").pk, change=-1)

    # Then the picker offers M in black no more
    soup = BeautifulSoup(client.get(product.url).content, "html.parser")
    assert [node.get_text(strip=True) for node in soup.select(".picker__option--sold-out")] == [
        "MM, Black, sold out"
    ]


def test_publishing_a_revision_never_overwrites_stock(make_product):
    # Given a product whose draft revision was saved when 5 pieces were left
    product = make_product(stock={("M", "Black"): 5})
    product.title = "Renamed Dress"
    revision = product.save_revision()
    variant = product.variants.get()
    # And 3 pieces were sold since
    ProductVariant.objects.filter(pk=variant.pk).update(stock=2)

    # When the revision is published
    revision.publish()

    # Then the copy changes and the stock stays as the sales left it
    variant.refresh_from_db()
    assert variant.stock == 2
    product.refresh_from_db()
    assert product.title == "Renamed Dress"


def test_publishing_a_product_makes_its_pictures_before_anyone_asks(
    make_product, django_capture_on_commit_callbacks
):
    # Given a product whose gallery image has no renditions yet
    product = make_product(title="Fresh Dress")
    image = product.gallery_images.get().image
    assert not image.renditions.exists()

    # When it is published (the task runs eagerly in tests, on a worker in production)
    with django_capture_on_commit_callbacks(execute=True):
        product.save_revision().publish()

    # Then every picture size the store shows is ready
    assert set(image.renditions.values_list("filter_spec", flat=True)) == set(
        rendition_prefetch("card", "product", "thumb")
    )
