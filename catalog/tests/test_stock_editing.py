"""Stock moves exactly once per change a merchandiser means: on the product's variant grid or
the Stock view, by difference, once per form; never from the page editor's preview panel, its
autosave, a draft or an old revision."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from accounts.groups import EDITORS, MERCHANDISERS, ensure_staff_groups
from accounts.tests.factories import UserFactory
from catalog.models import ProductPage, ProductVariant, StockMove
from catalog.tests.factories import ColourFactory, SizeFactory, VariantFactory

pytestmark = pytest.mark.django_db


def member_of(group_name: str, email: str):
    user = UserFactory(email=email)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def merchandiser(client, shop):
    ensure_staff_groups()  # merchandisers' page permissions hang on the shop index
    user = member_of(MERCHANDISERS, "max@example.com")
    client.force_login(user)
    return user


def editor_data(client, product):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[product.pk]))
    assert response.status_code == 200
    return querydict_from_html(response.content.decode(), form_id="page-edit-form")


def with_typed_stock(data, variant, stock: int):
    """The page editor's form as an old or forged client would send it: with a variant inline
    whose stock was typed over."""
    data = data.copy()
    data.update(
        {
            "variants-TOTAL_FORMS": "1",
            "variants-INITIAL_FORMS": "1",
            "variants-0-id": str(variant.pk),
            "variants-0-stock": str(stock),
            "variants-0-stock_shown": str(variant.stock),
        }
    )
    return data


def grid_url(product) -> str:
    return reverse("catalog_variant_grid", args=[product.pk])


def grid_data(client, product, **query):
    response = client.get(grid_url(product), query)
    assert response.status_code == 200
    return querydict_from_html(response.content.decode(), form_id="variant-grid-form")


def cell(size, colour) -> str:
    return f"c{size.pk}_{colour.pk}"


# The page editor ---------------------------------------------------------------------------------


def test_previewing_a_product_never_moves_stock(client, merchandiser, make_product):
    # Given a product with 14 pieces, and a merchandiser who types 19 in its editor
    product = make_product(price=Decimal("80.00"), stock={("M", "Black"): 14})
    variant = product.variants.get()
    data = with_typed_stock(editor_data(client, product), variant, 19)

    # When the preview panel sends the form and refreshes five times
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[product.pk])
    assert client.post(preview, data).json()["is_valid"] is True
    for _ in range(5):
        assert client.get(preview).status_code == 200

    # Then the stock is as it was
    variant.refresh_from_db()
    assert variant.stock == 14


def test_autosaving_a_product_never_moves_stock(client, merchandiser, make_product):
    # Given a product with 14 pieces, and a merchandiser who types 19 in its editor
    product = make_product(price=Decimal("80.00"), stock={("M", "Black"): 14})
    variant = product.variants.get()
    data = with_typed_stock(editor_data(client, product), variant, 19)

    # When the editor autosaves twice (as Wagtail does while they type), then publishes
    edit = reverse("wagtailadmin_pages:edit", args=[product.pk])
    for _ in range(2):
        response = client.post(edit, data, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, response.content
        data["overwrite_revision_id"] = str(response.json()["revision_id"])
    data["action-publish"] = "action-publish"
    assert client.post(edit, data).status_code == 302

    # Then the live stock is as it was
    variant.refresh_from_db()
    assert variant.stock == 14
    assert not StockMove.objects.exists()


def test_publishing_an_old_revision_leaves_the_variants_alone(merchandiser, make_product, sizes):
    # Given a product published with one variant, then sold in a second size
    product = make_product(price=Decimal("80.00"), stock={("M", "Black"): 4})
    old = product.save_revision()
    VariantFactory(product=product, size=sizes["L"], colour=product.variants.get().colour, stock=6)

    # When the old revision is published again (a revert)
    old.publish()

    # Then both variants are still sold, with their stock
    assert sorted(product.variants.values_list("size__name", "stock")) == [("L", 6), ("M", 4)]


def test_the_page_editor_shows_the_variants_and_the_way_to_the_grid(
    client, merchandiser, make_product
):
    product = make_product(stock={("M", "Black"): 3})

    html = client.get(reverse("wagtailadmin_pages:edit", args=[product.pk])).content.decode()

    assert product.variants.get().sku in html
    assert grid_url(product) in html
    assert 'name="variants-0-stock"' not in html


# The variant grid -------------------------------------------------------------------------------


def test_a_merchandiser_ticks_a_three_by_two_grid(client, merchandiser, category, sizes, colours):
    # Given a new product, sold in nothing yet
    product = category.add_child(
        instance=ProductPage(
            title="Linen Wrap Dress", slug="linen-wrap", summary="A dress.", price=Decimal("120.00")
        )
    )

    # When the merchandiser adds both colours to its grid and ticks S, M and L of each
    data = grid_data(client, product, colour=[colours["Black"].pk, colours["Ivory"].pk])
    for colour in colours.values():
        for size in sizes.values():
            data[f"{cell(size, colour)}_sold"] = "on"
            data[f"{cell(size, colour)}_stock"] = "4"
    data[f"{cell(sizes['L'], colours['Ivory'])}_price"] = "130.00"
    response = client.post(grid_url(product), data)

    # Then six variants exist, with SKUs from the product's code, their stock and prices
    assert response.status_code == 302
    variants = {
        (v.size.name, v.colour.name): v for v in product.variants.select_related("size", "colour")
    }
    assert len(variants) == 6
    assert variants[("M", "Black")].sku == "LINEN-WRAP-M-BLA"
    assert {v.stock for v in variants.values()} == {4}
    assert variants[("L", "Ivory")].unit_price == Decimal("130.00")
    assert variants[("S", "Ivory")].unit_price == Decimal("120.00")
    # And each piece of stock is on the record, under the merchandiser's name
    assert StockMove.objects.filter(by=merchandiser, change=4).count() == 6


def test_stock_typed_on_the_grid_keeps_sales_made_meanwhile(client, merchandiser, make_product):
    # Given a grid opened on 5 pieces, and 2 sold while it is open
    product = make_product(stock={("M", "Black"): 5})
    variant = product.variants.get()
    data = grid_data(client, product)
    name = f"{cell(variant.size, variant.colour)}_stock"
    assert data[name] == "5"
    ProductVariant.objects.filter(pk=variant.pk).update(stock=3)

    # When the merchandiser receives 10 more (5 on screen becomes 15)
    data[name] = "15"
    assert client.post(grid_url(product), data).status_code == 302

    # Then the two sales are not lost
    variant.refresh_from_db()
    assert variant.stock == 13


def test_the_same_grid_sent_twice_moves_stock_once(client, merchandiser, make_product):
    product = make_product(stock={("M", "Black"): 5})
    variant = product.variants.get()
    data = grid_data(client, product)
    data[f"{cell(variant.size, variant.colour)}_stock"] = "8"

    # When the form is sent twice (a double click, or the browser's "resend")
    assert client.post(grid_url(product), data).status_code == 302
    assert client.post(grid_url(product), data).status_code == 302

    # Then the stock moved once
    variant.refresh_from_db()
    assert variant.stock == 8
    assert StockMove.objects.filter(variant=variant).count() == 1


def test_a_taken_sku_or_a_negative_stock_saves_nothing_and_says_where(
    client, merchandiser, make_product, colours
):
    # Given two products, each sold in M black
    other = make_product(title="Slip Dress", stock={("M", "Black"): 2})
    product = make_product(title="Wrap Dress", stock={("M", "Black"): 5})
    variant = product.variants.get()
    name = cell(variant.size, variant.colour)

    # When the merchandiser gives this one the other's SKU
    data = grid_data(client, product)
    data[f"{name}_sku"] = other.variants.get().sku
    data[f"{name}_stock"] = "9"
    response = client.post(grid_url(product), data)

    # Then nothing is saved, and the cell says which product has that SKU
    assert response.status_code == 400
    assert "is already the SKU of Slip Dress (M / Black)" in response.content.decode()
    variant.refresh_from_db()
    assert variant.stock == 5

    # And a stock below zero is refused beside its cell
    data = grid_data(client, product)
    data[f"{name}_stock"] = "-1"
    response = client.post(grid_url(product), data)
    assert response.status_code == 400
    assert "Stock cannot be below zero." in response.content.decode()
    variant.refresh_from_db()
    assert variant.stock == 5


def test_unticking_a_cell_stops_selling_it(client, merchandiser, make_product):
    product = make_product(stock={("M", "Black"): 5, ("L", "Black"): 2})
    large = product.variants.get(size__name="L")
    data = grid_data(client, product)
    del data[f"{cell(large.size, large.colour)}_sold"]

    assert client.post(grid_url(product), data).status_code == 302

    assert list(product.variants.values_list("size__name", flat=True)) == ["M"]


def test_the_grid_is_for_merchandisers(client, shop, make_product):
    ensure_staff_groups()
    product = make_product()
    client.force_login(member_of(EDITORS, "edie@example.com"))

    # Wagtail answers a refused admin view with a redirect to the dashboard and a message
    for response in (client.get(grid_url(product)), client.post(grid_url(product), {})):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert product.variants.count() == 1


def test_more_sizes_and_colours_join_the_grid(client, merchandiser, make_product):
    # Given a product sold in M black, and a new size and colour in the catalog
    product = make_product(stock={("M", "Black"): 5})
    black = product.variants.get().colour
    sage = ColourFactory(name="Sage", slug="sage", swatch="#9CAF88")
    extra_large = SizeFactory(name="XL", slug="xl", sort_order=9)

    # Then every size is a column, and Sage is offered but is not a row yet
    data = grid_data(client, product)
    assert f"{cell(extra_large, black)}_sku" in data
    assert f"{cell(extra_large, sage)}_sku" not in data
    assert f"?colour={sage.pk}" in client.get(grid_url(product)).content.decode()

    # When Sage is added, it is a row of sizes to tick
    data = grid_data(client, product, colour=[sage.pk])
    assert (
        data[f"{cell(extra_large, sage)}_sku"]
        == product.variants.get().sku.rsplit("-", 2)[0] + "-XL-SAG"
    )
