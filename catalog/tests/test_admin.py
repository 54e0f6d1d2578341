"""The merchandiser's admin and the staff groups: editors write and publish copy and images but
cannot touch prices, variants or stock; merchandisers run prices, variants and stock."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.test.utils.form_data import querydict_from_html

from catalog.models import Colour, MerchandisingSettings, ProductPage, ProductVariant, Size
from storefront.models import StoreSettings
from testing.admin import REFUSED, answer
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def edit_form_data(client, page):
    response = client.get(edit_url(page))
    assert response.status_code == 200
    return querydict_from_html(response.content.decode(), form_id="page-edit-form")


def test_editor_edits_copy_and_publishes_but_cannot_change_price_or_variants(
    client, staff, make_product
):
    # Given a product, and an editor in the product's editor
    product = make_product(price=Decimal("100.00"), stock={("M", "Black"): 4})
    client.force_login(staff["editor"])
    data = edit_form_data(client, product)
    assert "price" not in data
    assert "variants-TOTAL_FORMS" not in data

    # When the editor changes the title, slips a price and a variant into the post, and publishes
    data["title"] = "Linen Wrap Dress, Reworded"
    data["price"] = "1.00"
    data["variants-TOTAL_FORMS"] = "1"
    data["variants-0-stock"] = "999"
    data["action-publish"] = "action-publish"
    response = client.post(edit_url(product), data)

    # Then the new title is live, and the price and stock are as they were
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title == "Linen Wrap Dress, Reworded"
    assert product.price == Decimal("100.00")
    assert product.variants.get().stock == 4


def test_editor_cannot_create_products_or_reach_stock_and_snippets(client, staff, category):
    client.force_login(staff["editor"])

    add_product = reverse("wagtailadmin_pages:add", args=["catalog", "productpage", category.pk])
    assert answer(client.get(add_product, follow=True)) == (
        [(reverse("wagtailadmin_explore", args=[category.pk]), 302)],
        [
            (
                "error",
                "Only merchandisers can create products: a product needs a price and variants.",
            )
        ],
    )
    assert ProductPage.objects.count() == 0

    assert answer(client.get(reverse("stock:index"), follow=True)) == REFUSED
    assert answer(client.get(reverse("wagtailsnippets_catalog_size:add"), follow=True)) == REFUSED


def test_editor_can_edit_store_settings_and_other_pages(client, staff, home_page):
    client.force_login(staff["editor"])
    assert client.get(edit_url(home_page)).status_code == 200
    response = client.get("/admin/settings/storefront/storesettings/", follow=True)
    settings_form = f"/admin/settings/storefront/storesettings/{StoreSettings.load().pk}/"
    assert response.redirect_chain == [(settings_form, 302)]
    assert response.status_code == 200


def test_merchandiser_reprices_in_the_page_editor(client, staff, make_product):
    # Given a product at 100.00, open in a merchandiser's editor
    product = make_product(price=Decimal("100.00"), stock={("M", "Black"): 5})
    client.force_login(staff["merchandiser"])
    data = edit_form_data(client, product)

    # When they reprice it and publish
    data["price"] = "89.00"
    data["action-publish"] = "action-publish"
    response = client.post(edit_url(product), data)

    # Then the new price is live, and the stock is as it was (it is kept on the grid)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price == Decimal("89.00")
    assert product.variants.get().stock == 5


def test_merchandiser_cannot_edit_pages_outside_the_shop(client, staff, home_page):
    client.force_login(staff["merchandiser"])
    assert answer(client.get(edit_url(home_page), follow=True)) == REFUSED


def test_stock_view_searches_filters_and_edits(client, staff, category, make_product):
    MerchandisingSettings.objects.update_or_create(pk=1, defaults={"low_stock_threshold": 2})
    make_product(title="Plenty Dress", stock={("M", "Black"): 20})
    make_product(title="Low Dress", stock={("S", "Black"): 2})
    make_product(title="Gone Dress", stock={("L", "Ivory"): 0})
    client.force_login(staff["merchandiser"])
    index = reverse("stock:index")

    def listed(**params):
        response = client.get(index, params)
        assert response.status_code == 200
        return sorted(v.product.title for v in response.context["object_list"])

    assert listed() == ["Gone Dress", "Low Dress", "Plenty Dress"]
    assert listed(level="low") == ["Low Dress"]
    assert listed(level="sold_out") == ["Gone Dress"]
    assert listed(category=str(category.pk)) == ["Gone Dress", "Low Dress", "Plenty Dress"]
    sku = ProductVariant.objects.get(product__title="Low Dress").sku
    assert listed(q=sku) == ["Low Dress"]
    assert listed(q="plenty") == ["Plenty Dress"]

    variant = ProductVariant.objects.get(product__title="Low Dress")
    response = client.post(
        reverse("stock:edit", args=[variant.pk]), {"stock": "12", "stock_shown": "2"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("stock:index")
    variant.refresh_from_db()
    assert variant.stock == 12


def test_stock_view_cannot_add_or_delete_variants(client, staff, make_product):
    product = make_product()
    client.force_login(staff["merchandiser"])
    variant = product.variants.get()
    assert answer(client.get(reverse("stock:add"), follow=True)) == REFUSED
    assert answer(client.post(reverse("stock:delete", args=[variant.pk]), follow=True)) == REFUSED
    assert ProductVariant.objects.filter(pk=variant.pk).exists()


def test_stock_exports_as_csv_and_xlsx(client, staff, make_product):
    make_product(title="Export Dress", price=Decimal("75.50"), stock={("M", "Black"): 3})
    client.force_login(staff["merchandiser"])
    index = reverse("stock:index")

    response = client.get(index, {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Product", "SKU", "Size", "Colour", "Price", "Stock"]
    sku = ProductVariant.objects.get().sku
    assert rows[1] == ["Export Dress", sku, "M", "Black", "75.50", "3"]

    response = client.get(index, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[2]][:2] == ["Export Dress", sku]


def test_merchandiser_manages_sizes_colours_and_size_guides(client, staff):
    client.force_login(staff["merchandiser"])
    response = client.post(
        reverse("wagtailsnippets_catalog_size:add"), {"name": "XXXL", "slug": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailsnippets_catalog_size:list")
    assert Size.objects.get(name="XXXL").slug == "xxxl"
    response = client.post(
        reverse("wagtailsnippets_catalog_colour:add"),
        {"name": "Olive", "slug": "", "swatch": "#GG0000"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "swatch": ["Enter the swatch as a hex colour such as #1A2B3C."]
    }
    assert not Colour.objects.filter(name="Olive").exists()


def test_the_stock_view_is_called_stock(client, staff, make_product):
    # Given a variant to edit
    variant = make_product(stock={("M", "Black"): 3}).variants.get()
    client.force_login(staff["merchandiser"])

    # When the merchandiser opens Stock from the menu, then its title is the menu's
    index = soup_of(client.get(reverse("stock:index")))
    assert index.select_one("h1").get_text(strip=True) == "Stock"
    assert index.title.get_text().startswith("Stock - ")

    # And a variant's edit page leads back to "Stock"
    edit = soup_of(client.get(reverse("stock:edit", args=[variant.pk])))
    back = edit.select_one(f'.w-breadcrumbs a[href="{reverse("stock:index")}"]')
    assert back.get_text(strip=True) == "Stock"
