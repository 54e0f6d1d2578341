"""The stock import in the Wagtail admin, as merchandisers use it: from the Stock view, upload a
file, see what it changes (or its bad rows, by line), apply it, and find it among past imports
with its moves. Editors cannot reach any of it."""

import csv
import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.tests.factories import UserFactory
from catalog.models import ProductVariant, StockImport, StockMove
from catalog.tests.factories import ProductPageFactory, VariantFactory
from catalog.tests.helpers import stock_file
from testing.admin import REFUSED, answer
from testing.pages import soup_of

pytestmark = pytest.mark.django_db

UPLOAD = reverse("stock_imports:upload")


@pytest.fixture
def wrap(category, sizes, colours):
    """The Wrap Dress: WRAP-S-BLA with 10 pieces and WRAP-M-BLA with 4."""
    product = ProductPageFactory(parent=category, title="Wrap Dress")
    return [
        VariantFactory(product=product, size=sizes["S"], colour=colours["Black"],
                       sku="WRAP-S-BLA", stock=10),
        VariantFactory(product=product, size=sizes["M"], colour=colours["Black"],
                       sku="WRAP-M-BLA", stock=4),
    ]  # fmt: skip


@pytest.fixture
def merchandiser(client, staff):
    client.force_login(staff["merchandiser"])
    return staff["merchandiser"]


def table_rows(soup, caption: str) -> list[list[str]]:
    table = soup.find("caption", string=lambda text: text and text.strip() == caption).parent
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in table.select("tbody tr")
    ]


def stock_of(variants) -> list[int]:
    return [ProductVariant.objects.get(pk=v.pk).stock for v in variants]


def test_the_stock_view_leads_to_the_import_and_to_each_products_grid(client, merchandiser, wrap):
    soup = soup_of(client.get(reverse("stock:index")))

    links = {a.get_text(strip=True): a["href"] for a in soup.select(".w-slim-header a")}
    assert links["Import stock"] == UPLOAD
    assert links["Past imports"] == reverse("stock_imports:index")
    grid = reverse("catalog_variant_grid", args=[wrap[0].product_id])
    # the product's title, and each row's menu
    links = [a.get_text(strip=True) for a in soup.select(f'td a[href="{grid}"]')]
    assert sorted(links) == ["Sizes, colours and stock"] * 2 + ["Wrap Dress"] * 2


def test_a_merchandiser_previews_applies_and_finds_the_import(client, merchandiser, wrap):
    # Given the upload form, with its templates
    soup = soup_of(client.get(UPLOAD))
    assert soup.select_one("input[type=file][name=file]")["accept"] == ".csv,.xlsx"

    # When a file that sets S to 12 and M to 4 (as it is) is uploaded
    response = client.post(
        UPLOAD,
        {"file": stock_file("count.csv", ["SKU", "Stock"], ["WRAP-S-BLA", "12"],
                            ["WRAP-M-BLA", "4"])},
    )  # fmt: skip

    # Then its preview shows the one change, says how it is applied, and nothing moved yet
    previewed = StockImport.objects.get()
    preview_url = reverse("stock_imports:preview", args=[previewed.pk])
    assert response.status_code == 302
    assert response["Location"] == preview_url
    soup = soup_of(client.get(preview_url))
    assert table_rows(soup, "What the file changes") == [
        ["2", "WRAP-S-BLA", "Wrap Dress", "S", "Black", "10", "+2", "12"]
    ]
    notice = " ".join(soup.select_one(".help-info").get_text(" ").split())
    assert "Applying count.csv changes the stock of 1 variant. 1 more row matches" in notice
    assert "pieces sold after this preview stay sold" in notice
    assert soup.select_one("form[method=post] button").get_text(strip=True) == "Apply 1 change"
    assert stock_of(wrap) == [10, 4]

    # When Max applies it, twice (the second a resend)
    applied = client.post(preview_url, follow=True)
    again = client.post(preview_url, follow=True)

    # Then the stock moved once, and the import's page shows its move
    inspect_url = reverse("stock_imports:inspect", args=[previewed.pk])
    assert answer(applied) == (
        [(inspect_url, 302)],
        [("success", "Stock imported from count.csv: 1 variant changed.")],
    )
    assert answer(again) == (
        [(preview_url, 302), (inspect_url, 302)],
        [("error", "This file was imported already; nothing more was changed.")],
    )
    assert stock_of(wrap) == [12, 4]
    assert StockMove.objects.get().by == merchandiser
    soup = soup_of(again)
    assert table_rows(soup, "Stock moves of this import") == [
        ["2", "WRAP-S-BLA", "Wrap Dress", "S", "Black", "+2", "12"]
    ]
    record = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in soup.select("dl dt")
    }
    assert record["File"] == "count.csv"
    assert record["Kind"] == "Stock set to the figures"
    assert record["By"] == merchandiser.get_full_name()

    # And it is listed among past imports
    soup = soup_of(client.get(reverse("stock_imports:index")))
    assert [a.get_text(strip=True) for a in soup.select("td.title a")] == ["count.csv"]


def test_a_file_with_a_bad_row_applies_nothing_and_names_the_line(client, merchandiser, wrap):
    response = client.post(
        UPLOAD,
        {"file": stock_file("count.xlsx", ["SKU", "Change"], ["WRAP-S-BLA", 2],
                            ["WRAP-X", 1], ["WRAP-M-BLA", -9])},
    )  # fmt: skip

    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    notice = " ".join(soup.select_one(".help-critical").get_text(" ").split())
    assert notice == (
        "Nothing was imported: 2 rows of count.xlsx cannot be imported. "
        "Fix them in the file and upload it again."
    )
    assert table_rows(soup, "Rows that cannot be imported") == [
        ["3", "WRAP-X", "No variant has the SKU WRAP-X: check it against the Stock view."],
        ["4", "WRAP-M-BLA", "Taking away 9 would leave the stock below zero: 4 are in stock."],
    ]
    assert table_rows(soup, "What the file changes") == [
        ["2", "WRAP-S-BLA", "Wrap Dress", "S", "Black", "10", "+2", "12"]
    ]
    assert soup.select_one("input[type=file][name=file]")  # to upload the corrected file
    assert not StockImport.objects.exists()
    assert stock_of(wrap) == [10, 4]


def test_a_file_that_cannot_be_read_is_sent_back_with_the_reason(client, merchandiser):
    response = client.post(UPLOAD, {"file": stock_file("stock.csv", ["Product", "Stock"])})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "file": [
            "Line 1 has no SKU column: the first row must name the columns SKU and Stock "
            "(or SKU and Change)."
        ]
    }
    response = client.post(UPLOAD, {})
    assert response.context["form"].errors == {"file": ["Choose the file to import."]}


def test_the_stock_views_own_export_imports_back(client, merchandiser, wrap):
    # Given the Stock view's XLSX export, with S's stock typed over
    exported = client.get(reverse("stock:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    stock_at = rows[0].index("Stock")
    for row in rows[1:]:
        if row[rows[0].index("SKU")] == "WRAP-S-BLA":
            row[stock_at] = 7

    # When it is uploaded
    response = client.post(UPLOAD, {"file": stock_file("stock.xlsx", *rows)}, follow=True)

    # Then the preview has that one change
    assert table_rows(soup_of(response), "What the file changes") == [
        ["2", "WRAP-S-BLA", "Wrap Dress", "S", "Black", "10", "-3", "7"]
    ]


def test_the_templates_have_the_columns_an_import_reads(client, merchandiser):
    response = client.get(reverse("stock_imports:template", args=["csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="stock-import.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [["SKU", "Stock"]]

    response = client.get(reverse("stock_imports:template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [["SKU", "Stock"]]


def test_a_preview_is_its_uploaders_alone(client, staff, wrap):
    # Given a preview of Max's
    client.force_login(staff["merchandiser"])
    client.post(UPLOAD, {"file": stock_file("s.csv", ["SKU", "Stock"], ["WRAP-S-BLA", "1"])})
    previewed = StockImport.objects.get()

    # When another merchandiser opens it, or confirms it
    client.force_login(UserFactory(email="mo@example.com", groups=["Merchandisers"]))
    url = reverse("stock_imports:preview", args=[previewed.pk])

    # Then there is no such page, and nothing moved
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert client.get(reverse("stock_imports:inspect", args=[previewed.pk])).status_code == 404
    assert stock_of(wrap) == [10, 4]


@pytest.mark.parametrize(
    "url",
    [
        UPLOAD,
        reverse("stock_imports:index"),
        reverse("stock_imports:template", args=["csv"]),
    ],
)
def test_editors_cannot_import_stock_or_see_imports(client, staff, url):
    client.force_login(staff["editor"])
    assert answer(client.get(url, follow=True)) == REFUSED


def test_editors_cannot_apply_a_preview(client, staff, wrap):
    client.force_login(staff["merchandiser"])
    client.post(UPLOAD, {"file": stock_file("s.csv", ["SKU", "Stock"], ["WRAP-S-BLA", "1"])})
    previewed = StockImport.objects.get()

    client.force_login(staff["editor"])
    url = reverse("stock_imports:preview", args=[previewed.pk])
    assert answer(client.post(url, follow=True)) == REFUSED
    assert stock_of(wrap) == [10, 4]


def test_a_preview_that_changes_nothing_or_is_old_offers_no_apply_button(
    client, merchandiser, wrap
):
    # A file whose figures are the stock already
    client.post(UPLOAD, {"file": stock_file("same.csv", ["SKU", "Stock"], ["WRAP-S-BLA", "10"])})
    same = StockImport.objects.get()
    soup = soup_of(client.get(reverse("stock_imports:preview", args=[same.pk])))
    assert " ".join(soup.select_one(".help-info").get_text().split()) == (
        "same.csv changes nothing: its row matches the stock already."
    )
    assert not soup.select("form[method=post]")

    # A preview left for more than an hour
    client.post(UPLOAD, {"file": stock_file("late.csv", ["SKU", "Stock"], ["WRAP-S-BLA", "11"])})
    late = StockImport.objects.get(file_name="late.csv")
    StockImport.objects.filter(pk=late.pk).update(previewed_at=timezone.now() - timedelta(hours=2))
    soup = soup_of(client.get(reverse("stock_imports:preview", args=[late.pk])))
    assert " ".join(soup.select_one(".help-warning").get_text().split()) == (
        "This preview is more than an hour old: upload the file again to see the changes it "
        "makes to the stock as it is now."
    )
    assert not soup.select("form[method=post]")
    assert stock_of(wrap) == [10, 4]
