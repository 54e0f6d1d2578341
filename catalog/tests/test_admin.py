"""The merchandiser's admin and the staff groups: editors write and publish copy and images but
cannot touch prices, variants or stock; merchandisers run prices, variants and stock."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.test.utils.form_data import querydict_from_html

from accounts.groups import EDITORS, MERCHANDISERS, ensure_staff_groups
from accounts.tests.factories import UserFactory
from catalog.models import MerchandisingSettings, ProductPage, ProductVariant

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(shop):
    ensure_staff_groups()  # merchandisers' page permissions hang on the shop index

    def member_of(group_name):
        user = UserFactory(email=f"{group_name.lower()}@example.com")
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return {"editor": member_of(EDITORS), "merchandiser": member_of(MERCHANDISERS)}


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

    response = client.get(
        reverse("wagtailadmin_pages:add", args=["catalog", "productpage", category.pk])
    )
    assert response.status_code == 302
    assert ProductPage.objects.count() == 0

    for url in (reverse("stock:index"), reverse("wagtailsnippets_catalog_size:add")):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == "/admin/"


def test_editor_can_edit_store_settings_and_other_pages(client, staff, home_page):
    client.force_login(staff["editor"])
    assert client.get(edit_url(home_page)).status_code == 200
    assert client.get("/admin/settings/storefront/storesettings/", follow=True).status_code == 200


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
    assert client.get(edit_url(home_page)).status_code in (302, 403)


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
    variant.refresh_from_db()
    assert variant.stock == 12


def test_stock_view_cannot_add_or_delete_variants(client, staff, make_product):
    product = make_product()
    client.force_login(staff["merchandiser"])
    variant = product.variants.get()
    assert client.get(reverse("stock:add")).status_code in (302, 403)
    client.post(reverse("stock:delete", args=[variant.pk]))
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
    response = client.post(
        reverse("wagtailsnippets_catalog_colour:add"),
        {"name": "Olive", "slug": "", "swatch": "#GG0000"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "swatch": ["Enter the swatch as a hex colour such as #1A2B3C."]
    }
