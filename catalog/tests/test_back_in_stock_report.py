"""Merchandisers see the demand: the variants shoppers wait for, most wanted first, filtered by
category, exported as CSV or XLSX. Editors do not."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import StockAlert
from catalog.tests.factories import CategoryPageFactory, StockAlertFactory
from testing.admin import REFUSED, answer

pytestmark = pytest.mark.django_db
S = StockAlert.Status
REPORT = "catalog_back_in_stock_demand"


@pytest.fixture
def demand(shop, category, make_product):
    """Dresses: Wrap in M ivory awaited by 3, Wrap in L black by 1; Tops: a Shirt in S by 2.
    Unconfirmed and sent alerts count for nothing."""
    tops = CategoryPageFactory(parent=shop, title="Tops", slug="tops")
    wrap = make_product(title="Wrap Dress", stock={("M", "Ivory"): 0, ("L", "Black"): 0})
    shirt = make_product(title="Shirt", parent=tops, stock={("S", "Black"): 0})
    wrap_m = wrap.variants.get(size__name="M")
    wrap_l = wrap.variants.get(size__name="L")
    for variant, count in ((wrap_m, 3), (wrap_l, 1), (shirt.variants.get(), 2)):
        for _ in range(count):
            StockAlertFactory(variant=variant)
    StockAlertFactory(variant=wrap_l, status=S.PENDING)
    StockAlertFactory(variant=wrap_l, status=S.NOTIFIED)
    StockAlertFactory(variant=wrap_l, status=S.NOTIFIED)
    return {"tops": tops, "dresses": category}


def rows(response) -> list[tuple]:
    assert response.status_code == 200
    return [
        (v.product.title, v.size.name, v.colour.name, v.waiting)
        for v in response.context["object_list"]
    ]


def test_merchandisers_see_the_most_wanted_first(client, staff, demand):
    client.force_login(staff["merchandiser"])
    assert rows(client.get(reverse(REPORT))) == [
        ("Wrap Dress", "M", "Ivory", 3),
        ("Shirt", "S", "Black", 2),
        ("Wrap Dress", "L", "Black", 1),
    ]
    # And the Reports menu offers it to them
    assert reverse(REPORT) in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_report_filters_by_category(client, staff, demand):
    client.force_login(staff["merchandiser"])
    tops = str(demand["tops"].pk)
    assert rows(client.get(reverse(REPORT), {"category": tops})) == [("Shirt", "S", "Black", 2)]
    results = client.get(reverse(f"{REPORT}_results"), {"category": str(demand["dresses"].pk)})
    assert [row[:2] for row in rows(results)] == [("Wrap Dress", "M"), ("Wrap Dress", "L")]


def test_the_report_exports_as_csv_and_xlsx(client, staff, demand):
    client.force_login(staff["merchandiser"])

    response = client.get(reverse(REPORT), {"export": "csv"})
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[:3] + row[4:] for row in table] == [
        ["Product", "SKU", "Size", "Stock", "Waiting"],
        ["Wrap Dress", table[1][1], "M", "0", "3"],
        ["Shirt", table[2][1], "S", "0", "2"],
        ["Wrap Dress", table[3][1], "L", "0", "1"],
    ]
    assert [row[3] for row in table] == ["Colour", "Ivory", "Black", "Black"]

    response = client.get(reverse(REPORT), {"export": "xlsx", "category": str(demand["tops"].pk)})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()][1][::2] == [
        "Shirt",
        "S",
        0,
    ]


def test_editors_may_not_see_the_report(client, staff, demand):
    client.force_login(staff["editor"])
    assert answer(client.get(reverse(REPORT), follow=True)) == REFUSED
    assert reverse(REPORT) not in client.get(reverse("wagtailadmin_home")).content.decode()
