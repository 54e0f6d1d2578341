"""Staff in Chromium, in the Wagtail admin: a merchandiser's stock import with a bad row, fixed;
an editor choosing the products a home page picks."""

import io
from decimal import Decimal

import pytest
from django.core.files.images import ImageFile

from accounts.tests.factories import PASSWORD
from catalog.models import ProductVariant, StockImport
from catalog.tasks import warm_product_pictures
from catalog.tests.factories import ImageFactory, ProductPageFactory, VariantFactory, jpeg_bytes
from catalog.tests.helpers import csv_bytes
from testing.browser import screenshot, sign_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csv_upload(name: str, *rows) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": csv_bytes(*rows)}


def test_a_merchandiser_imports_stock_fixing_a_bad_row_first(
    live_server, browser_page, staff, category, sizes, colours
):
    # Given the Wrap Dress in S (10 left) and M (4 left)
    product = ProductPageFactory(parent=category, title="Wrap Dress")
    small, medium = (
        VariantFactory(product=product, size=sizes[size], colour=colours["Black"], sku=sku,
                       stock=stock)
        for size, sku, stock in [("S", "WRAP-S-BLA", 10), ("M", "WRAP-M-BLA", 4)]
    )  # fmt: skip
    page = browser_page
    sign_in_to_admin(page, live_server.url, staff["merchandiser"].email, PASSWORD)

    # When the merchandiser goes from the Stock view to the import, and uploads a count with a
    # typo on line 3
    page.goto(live_server.url + "/admin/stock/")
    screenshot(page, "stock-index")
    page.get_by_role("link", name="Import stock").click()
    page.wait_for_url("**/admin/stock/imports/upload/")
    screenshot(page, "stock-import-upload")
    page.get_by_label("Stock file").set_input_files(
        csv_upload("count.csv", ["SKU", "Stock"], ["WRAP-S-BLA", "12"], ["WRAP-M-BLA", "six"])
    )
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_load_state()

    # Then line 3 is named with what to fix, and nothing was applied
    errors = page.locator("table", has=page.locator("caption", has_text="Rows that cannot"))
    assert errors.locator("tbody tr").all_inner_texts() == [
        "3\tWRAP-M-BLA\tsix is not a whole number: give a number such as 12."
    ]
    screenshot(page, "stock-import-errors")
    assert [v.stock for v in ProductVariant.objects.order_by("pk")] == [10, 4]
    assert not StockImport.objects.exists()

    # When the corrected file is uploaded, and its preview applied
    page.get_by_label("Stock file").set_input_files(
        csv_upload("count.csv", ["SKU", "Stock"], ["WRAP-S-BLA", "12"], ["WRAP-M-BLA", "6"])
    )
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url("**/admin/stock/imports/preview/*/")
    screenshot(page, "stock-import-preview")
    page.get_by_role("button", name="Apply 2 changes").click()

    # Then the stock is what the file says, and the import's record shows its moves
    page.wait_for_url("**/admin/stock/imports/inspect/*/")
    assert page.locator(".messages .success").inner_text().strip() == (
        "Stock imported from count.csv: 2 variants changed."
    )
    page.reload()  # the message would hang over the picture
    screenshot(page, "stock-import-record")
    small.refresh_from_db()
    medium.refresh_from_db()
    assert (small.stock, medium.stock) == (12, 6)

    # And it is among the past imports, from the Stock view's menu
    page.goto(live_server.url + "/admin/stock/")
    page.get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Past imports").click()
    page.wait_for_url("**/admin/stock/imports/")
    assert page.locator("td.title a").all_inner_texts() == ["count.csv"]
    screenshot(page, "stock-import-list")


def test_an_editor_chooses_picks_by_their_picture_price_and_stock(
    live_server, browser_page, staff, home_page, make_product
):
    # Given three dresses, their pictures made as publishing makes them, and a home page that
    # picks the first
    wrap = make_product(
        title="Linen Wrap Dress", price=Decimal("120.00"), compare_at_price=Decimal("150.00"),
        stock={("S", "Black"): 6, ("M", "Black"): 9}, image=photo((176, 112, 86)),
    )  # fmt: skip
    slip = make_product(
        title="Silk Slip Dress", stock={("M", "Ivory"): 2}, image=photo((222, 205, 180))
    )
    gone = make_product(title="Shirt Dress", stock={("L", "Black"): 0}, image=photo((64, 84, 110)))
    for product in (wrap, slip, gone):
        warm_product_pictures(product.pk)
    home_page.body = [("product_picks", {"heading": "Editor's picks", "products": [wrap]})]
    home_page.save_revision().publish()
    page = browser_page
    sign_in_to_admin(page, live_server.url, staff["editor"].email, PASSWORD)

    # When the editor opens the home page, the pick shows its picture and title
    page.goto(f"{live_server.url}/admin/pages/{home_page.pk}/edit/")
    chooser = page.locator(".chooser", has=page.locator("[data-chooser-title]")).first
    assert chooser.locator("[data-chooser-title]").inner_text() == "Linen Wrap Dress"
    assert shows_a_picture(chooser)
    chooser.scroll_into_view_if_needed()
    screenshot(page, "product-picks-block")

    # And, choosing another, the chooser lists each dress with its picture, price and stock
    chooser.get_by_role("button", name="Actions").click()
    chooser.get_by_role("button", name="Choose another product").click()
    modal = page.locator(".modal-dialog")
    rows = modal.locator("tbody tr")
    rows.first.wait_for()
    assert [
        [" ".join(cell.split()) for cell in row.locator("td").all_text_contents()]
        for row in rows.all()
    ] == [
        ["", "Linen Wrap Dress", "$120.00 (was $150.00)", "15 in stock", "live"],
        ["", "Shirt Dress", "$100.00", "Sold out", "live"],
        ["", "Silk Slip Dress", "$100.00", "Low: 2 left", "live"],
    ]
    assert all(shows_a_picture(row) for row in rows.all())
    screenshot(page, "product-chooser")
    modal.get_by_role("link", name="Silk Slip Dress").click()

    # Then the block shows the newly chosen dress's title and picture
    page.locator(".modal-dialog").wait_for(state="detached")
    assert chooser.locator("[data-chooser-title]").inner_text() == "Silk Slip Dress"
    assert shows_a_picture(chooser)
    src = chooser.locator("img[data-chooser-image]").get_attribute("src")
    assert "/dress-222." in src


def photo(colour: tuple[int, int, int]):
    """A gallery image of one colour, so that each product's picture is told apart."""
    return ImageFactory(
        file=ImageFile(io.BytesIO(jpeg_bytes(colour=colour)), name=f"dress-{colour[0]}.jpg")
    )


def shows_a_picture(element) -> bool:
    """Whether an <img> in the element is shown and loaded."""
    return element.locator("img").first.evaluate(
        "img => img.checkVisibility() && img.complete && img.naturalWidth > 0"
    )
