"""Merchandisers in Chromium, in the Wagtail admin: a stock import with a bad row, fixed."""

import pytest

from accounts.tests.factories import PASSWORD
from catalog.models import ProductVariant, StockImport
from catalog.tests.factories import ProductPageFactory, VariantFactory
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
