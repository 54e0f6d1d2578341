"""Only merchandisers decide which products the store sells and where: an editor cannot make a
product by any path of the admin (create, the page-type chooser, copy, copy with subpages,
move, the admin's API), though merchandisers still can."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import ProductPage
from catalog.tests.factories import CategoryPageFactory
from testing.admin import REFUSED, answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale(shop):
    return CategoryPageFactory(parent=shop, title="Sale", slug="sale")


def copy_form(page, parent, **fields) -> dict:
    return {
        "new_title": f"{page.title} (copy)",
        "new_slug": f"{page.slug}-copy",
        "new_parent_page": str(parent.pk),
        "publish_copies": "on",
        **fields,
    }


def test_the_page_type_chooser_offers_products_to_merchandisers_only(client, staff, category):
    add_subpage = reverse("wagtailadmin_pages:add_subpage", args=[category.pk])

    # An editor goes straight to a new category: there is nothing else to choose
    client.force_login(staff["editor"])
    response = client.get(add_subpage)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "wagtailadmin_pages:add", args=["catalog", "categorypage", category.pk]
    )

    # A merchandiser chooses between a category and a product
    client.force_login(staff["merchandiser"])
    response = client.get(add_subpage)
    assert response.status_code == 200
    assert [name for name, *_ in response.context["page_types"]] == ["Category", "Product"]


def test_editor_cannot_copy_a_product(client, staff, category, make_product):
    product = make_product(title="Wrap Dress", price=Decimal("120.00"))
    client.force_login(staff["editor"])
    copy = reverse("wagtailadmin_pages:copy", args=[product.pk])

    # The product's menu in the explorer offers no copy, and the copy view refuses
    explorer = client.get(reverse("wagtailadmin_explore", args=[category.pk]))
    assert copy not in explorer.content.decode()
    assert answer(client.get(copy, follow=True)) == REFUSED
    assert answer(client.post(copy, copy_form(product, category), follow=True)) == REFUSED
    assert list(ProductPage.objects.values_list("title", flat=True)) == ["Wrap Dress"]


def test_editor_cannot_copy_a_category_holding_products(
    client, staff, shop, category, sale, make_product
):
    make_product(title="Wrap Dress")
    client.force_login(staff["editor"])
    copy = reverse("wagtailadmin_pages:copy", args=[category.pk])

    # A category with products offers no copy, and the copy view refuses, with subpages or not
    explorer = client.get(reverse("wagtailadmin_explore", args=[shop.pk])).content.decode()
    assert copy not in explorer
    for subpages in ({"copy_subpages": "on"}, {}):
        response = client.post(copy, copy_form(category, shop, **subpages), follow=True)
        assert answer(response) == REFUSED
    assert ProductPage.objects.count() == 1
    assert shop.get_children().count() == 2

    # A category without products is copied
    copy = reverse("wagtailadmin_pages:copy", args=[sale.pk])
    assert copy in explorer
    assert client.post(copy, copy_form(sale, shop)).status_code == 302
    assert shop.get_children().get(slug="sale-copy").live


def test_editor_cannot_move_a_product_or_a_category_with_products(
    client, staff, shop, category, sale, make_product
):
    product = make_product(title="Wrap Dress")
    client.force_login(staff["editor"])

    # Neither the product nor its category offers a move, and the move views refuse
    explorer = client.get(reverse("wagtailadmin_explore", args=[category.pk])).content.decode()
    assert reverse("wagtailadmin_pages:move", args=[product.pk]) not in explorer
    for page in (product, category):
        move = reverse("wagtailadmin_pages:move", args=[page.pk])
        assert answer(client.get(move, follow=True)) == REFUSED
    confirm = reverse("wagtailadmin_pages:move_confirm", args=[product.pk, sale.pk])
    assert answer(client.post(confirm, follow=True)) == REFUSED

    # Nor does the explorer's bulk move move them
    bulk_move = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "move"])
    client.post(f"{bulk_move}?id={product.pk}&id={category.pk}", {"chooser": sale.pk})
    product.refresh_from_db()
    category.refresh_from_db()
    assert product.get_parent().specific == category
    assert category.get_parent().specific == shop

    # An empty category still moves
    empty = CategoryPageFactory(parent=sale, title="Coats", slug="coats")
    confirm = reverse("wagtailadmin_pages:move_confirm", args=[empty.pk, category.pk])
    assert client.post(confirm).status_code == 302
    empty.refresh_from_db()
    assert empty.get_parent().specific == category


def test_editor_cannot_copy_or_move_products_through_the_admin_api(
    client, staff, category, sale, make_product
):
    product = make_product(title="Wrap Dress")
    client.force_login(staff["editor"])

    def action(page, name: str, **data):
        url = f"/admin/api/main/pages/{page.pk}/action/{name}/"
        return client.post(url, data, content_type="application/json")

    assert (
        action(product, "copy", destination_page_id=category.pk, slug="wrap-2").status_code == 403
    )
    assert action(product, "create_alias", destination_page_id=sale.pk).status_code == 403
    assert action(category, "create_alias", recursive=True, update_slug="x").status_code == 403
    assert action(product, "move", destination_page_id=sale.pk).status_code == 403
    assert list(ProductPage.objects.values_list("title", flat=True)) == ["Wrap Dress"]
    product.refresh_from_db()
    assert product.get_parent().specific == category


def test_merchandiser_copies_a_product_without_its_variants(
    client, staff, category, sale, make_product
):
    # Given a product sold in one size and colour
    product = make_product(title="Wrap Dress", price=Decimal("120.00"))
    client.force_login(staff["merchandiser"])

    # When a merchandiser copies it to another category and publishes the copy
    copy = reverse("wagtailadmin_pages:copy", args=[product.pk])
    assert client.post(copy, copy_form(product, sale)).status_code == 302

    # Then the copy is live with the price, and sold in nothing yet (variants are not copied)
    copied = ProductPage.objects.get(slug="wrap-dress-copy")
    assert (copied.live, copied.price, copied.get_parent().specific) == (
        True,
        Decimal("120.00"),
        sale,
    )
    assert copied.variants.count() == 0
    assert product.variants.count() == 1
