"""Stock imported from a file: read as the merchandiser's spreadsheet shows it, every bad row
named by its line, nothing applied while any row is bad, and the changes applied once, as
differences, so pieces sold between the preview and the confirmation stay sold."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog import stock_import
from catalog.models import ProductVariant, StockImport, StockMove
from catalog.stock import reserve
from catalog.stock_import import ImportFileError, ImportRefused, read_file
from catalog.tests.factories import ProductPageFactory, SizeFactory, VariantFactory
from catalog.tests.helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrap(category, sizes, colours):
    """The Wrap Dress in three variants: WRAP-S-BLA (10), WRAP-M-BLA (4), WRAP-L-IVO (7)."""
    product = ProductPageFactory(parent=category, title="Wrap Dress")
    return {
        sku: VariantFactory(product=product, size=sizes[size], colour=colours[colour], sku=sku,
                            stock=stock)
        for sku, size, colour, stock in [
            ("WRAP-S-BLA", "S", "Black", 10),
            ("WRAP-M-BLA", "M", "Black", 4),
            ("WRAP-L-IVO", "L", "Ivory", 7),
        ]
    }  # fmt: skip


@pytest.fixture
def max_(db):
    return UserFactory(email="max@example.com")


def preview_of(content: bytes, name: str = "stock.csv") -> stock_import.Preview:
    return stock_import.preview(read_file(content, file_name=name))


def changes_of(result: stock_import.Preview) -> list[tuple]:
    return [(c.line, c.variant.sku, c.stock, c.change, c.new_stock) for c in result.changes]


def errors_of(result: stock_import.Preview) -> list[tuple]:
    return [(e.line, e.sku, e.message) for e in result.errors]


def stock_of(*variants) -> list[int]:
    return [ProductVariant.objects.get(pk=variant.pk).stock for variant in variants]


# Reading and checking ---------------------------------------------------------------------------


def test_a_csv_with_a_stock_column_sets_each_variant_to_its_figure(wrap):
    # Given a file that sets S to 12, keeps M at 4 and sells out L
    content = csv_bytes(
        ["SKU", "Product", "Stock"],
        ["WRAP-S-BLA", "Wrap Dress", "12"],
        ["WRAP-M-BLA", "Wrap Dress", "4"],
        ["WRAP-L-IVO", "Wrap Dress", "0"],
    )

    # When it is previewed
    result = preview_of(content)

    # Then it changes S by +2 and L by -7, by line as the spreadsheet numbers them, and M not
    assert result.kind == StockImport.Kind.SET
    assert changes_of(result) == [(2, "WRAP-S-BLA", 10, 2, 12), (4, "WRAP-L-IVO", 7, -7, 0)]
    assert result.unchanged == 1
    assert result.errors == []
    assert stock_of(*wrap.values()) == [10, 4, 7]  # a preview changes nothing


def test_an_xlsx_with_a_change_column_adds_and_takes_away(wrap):
    content = xlsx_bytes(["sku", "change"], ["WRAP-S-BLA", 5], ["WRAP-M-BLA", -3], [None, None])

    result = preview_of(content, "delivery.xlsx")

    assert result.kind == StockImport.Kind.ADD
    assert changes_of(result) == [(2, "WRAP-S-BLA", 10, 5, 15), (3, "WRAP-M-BLA", 4, -3, 1)]
    assert result.errors == []


def test_a_spreadsheets_own_csv_reads_as_it_shows(wrap):
    # Excel's "CSV UTF-8" in a European locale: a byte-order mark, semicolons, a blank line, a
    # SKU typed in lower case and a whole number written as 12.0 in the workbook
    content = "\ufeffSKU;Stock\r\nwrap-s-bla;12\r\n;\r\nWRAP-M-BLA;+6\r\n".encode()
    result = preview_of(content)
    assert changes_of(result) == [(2, "WRAP-S-BLA", 10, 2, 12), (4, "WRAP-M-BLA", 4, 2, 6)]

    workbook = xlsx_bytes(["SKU", "Stock"], ["WRAP-L-IVO", 9.0])
    assert changes_of(preview_of(workbook, "stock.xlsx")) == [(2, "WRAP-L-IVO", 7, 2, 9)]


def test_every_bad_row_is_named_by_its_line_and_nothing_is_planned_for_it(wrap):
    # Given a file with a good row among bad ones (line 3 left blank)
    content = csv_bytes(
        ["SKU", "Stock"],
        ["WRAP-S-BLA", "11"],
        [],
        ["NOPE-1", "3"],
        ["WRAP-M-BLA", "3.5"],
        ["WRAP-L-IVO", "-2"],
        ["WRAP-S-BLA", "12"],
        ["WRAP-M-BLA", ""],
        ["", "5"],
        ["NOPE-2", "lots"],
    )

    result = preview_of(content)

    assert errors_of(result) == [
        (4, "NOPE-1", "No variant has the SKU NOPE-1: check it against the Stock view."),
        (5, "WRAP-M-BLA", "3.5 is not a whole number: give a number such as 12."),
        (6, "WRAP-L-IVO", "Stock cannot be below zero: give 0 or more."),
        (7, "WRAP-S-BLA", "WRAP-S-BLA is also on line 2: keep one row per SKU."),
        (8, "WRAP-M-BLA", "WRAP-M-BLA is also on line 5: keep one row per SKU."),
        (8, "WRAP-M-BLA", "The stock is missing: give the number of pieces."),
        (9, "", "The SKU is missing: give the SKU of the variant on this row."),
        (10, "NOPE-2", "No variant has the SKU NOPE-2: check it against the Stock view."),
        (10, "NOPE-2", "lots is not a whole number: give a number such as 12."),
    ]
    assert changes_of(result) == [(2, "WRAP-S-BLA", 10, 1, 11)]


def test_a_change_that_would_take_stock_below_zero_is_refused(wrap):
    content = csv_bytes(["SKU", "Change"], ["WRAP-M-BLA", "-5"], ["WRAP-L-IVO", "1,000"])

    result = preview_of(content)

    assert errors_of(result) == [
        (2, "WRAP-M-BLA", "Taking away 5 would leave the stock below zero: 4 are in stock."),
        (3, "WRAP-L-IVO", "1,000 is not a whole number: give a number such as 5 or -3."),
    ]
    assert result.changes == []


def test_a_row_shorter_than_the_headings_misses_its_figure(wrap):
    content = b"SKU,Stock\r\nWRAP-S-BLA\r\n"
    assert errors_of(preview_of(content)) == [
        (2, "WRAP-S-BLA", "The stock is missing: give the number of pieces.")
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "stock.csv",
            csv_bytes(["Product", "Stock"], ["Wrap Dress", "3"]),
            "Line 1 has no SKU column: the first row must name the columns SKU and Stock "
            "(or SKU and Change).",
        ),
        (
            "stock.csv",
            csv_bytes(["SKU", "Count"], ["WRAP-S-BLA", "3"]),
            "Line 1 has no Stock or Change column: add a Stock column to set the stock, or a "
            "Change column to add or take away pieces.",
        ),
        (
            "stock.xlsx",
            xlsx_bytes([None], ["SKU", "Stock", "Change"], ["WRAP-S-BLA", 3, 1]),
            "Line 2 has both a Stock and a Change column: keep Stock to set the stock, or "
            "Change to add or take away pieces, not both.",
        ),
        (
            "stock.csv",
            csv_bytes(["SKU", "Stock"]),
            "The file has no rows below its headings: add a row for each SKU to change.",
        ),
        ("stock.csv", b"", "The file is empty: fill in the template and upload it again."),
        ("stock.txt", b"SKU,Stock\n", "Upload the stock as a .csv or .xlsx file."),
        (
            "stock.xlsx",
            b"SKU,Stock\n",
            "The file could not be read as an Excel workbook: save it as .xlsx or .csv.",
        ),
    ],
    ids=["no-sku", "no-figure", "both-figures", "no-rows", "empty", "txt", "not-a-workbook"],
)
def test_a_file_that_cannot_be_imported_says_why(name, content, message):
    with pytest.raises(ImportFileError) as refused:
        read_file(content, file_name=name)
    assert refused.value.message == message


def test_a_file_longer_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(stock_import, "MAX_ROWS", 2)
    content = csv_bytes(["SKU", "Stock"], ["A", "1"], ["B", "1"], ["C", "1"])
    with pytest.raises(ImportFileError) as refused:
        read_file(content, file_name="stock.csv")
    assert refused.value.message == "The file has more than 2 rows: split it into smaller files."


def test_a_preview_reads_the_variants_in_two_queries_whatever_the_length(
    wrap, django_assert_num_queries
):
    # An exact SKU and one typed in lower case: one query each, for any number of rows
    content = csv_bytes(["SKU", "Stock"], *[[sku.lower(), "1"] for sku in wrap], ["WRAP-S-BLA"])
    sheet = read_file(content, file_name="stock.csv")
    with django_assert_num_queries(2):
        stock_import.preview(sheet)


# Applying -------------------------------------------------------------------------------------


def saved(content: bytes, by, name: str = "stock.csv") -> StockImport:
    result = preview_of(content, name)
    assert result.errors == []
    return stock_import.save_preview(result, by=by)


def test_applying_moves_stock_once_and_records_who_imported_what(wrap, max_):
    # Given a saved preview that sets S to 12 and L to 0
    previewed = saved(csv_bytes(["SKU", "Stock"], ["WRAP-S-BLA", "12"], ["WRAP-L-IVO", "0"]), max_)
    s, m, l_ = wrap.values()

    # When Max applies it, then confirms it again (a double click, the browser's resend)
    applied = stock_import.apply_import(import_id=previewed.pk, by=max_)
    with pytest.raises(ImportRefused) as again:
        stock_import.apply_import(import_id=previewed.pk, by=max_)

    # Then the stock moved once, each move recorded under the import with its line
    assert stock_of(s, m, l_) == [12, 4, 0]
    assert again.value.message == "This file was imported already; nothing more was changed."
    assert applied.stopped_at_zero == []
    moves = StockMove.objects.order_by("variant_id")
    assert [(mv.variant.sku, mv.change, mv.stock_after, mv.reason, mv.by) for mv in moves] == [
        ("WRAP-S-BLA", 2, 12, StockMove.Reason.IMPORTED, max_),
        ("WRAP-L-IVO", -7, 0, StockMove.Reason.IMPORTED, max_),
    ]
    assert [mv.note for mv in moves] == [
        f"Import {previewed.pk}, line 2 of stock.csv",
        f"Import {previewed.pk}, line 3 of stock.csv",
    ]
    previewed.refresh_from_db()
    assert previewed.applied_at is not None
    assert list(previewed.moves()) == list(StockMove.objects.all())


def test_a_sale_between_preview_and_apply_is_kept(wrap, max_):
    # Given a preview that sets S from 10 to 12 (+2)
    s = wrap["WRAP-S-BLA"]
    previewed = saved(csv_bytes(["SKU", "Stock"], ["WRAP-S-BLA", "12"]), max_)

    # When 3 sell before Max confirms
    with transaction.atomic():
        reserve({s.pk: 3})
    stock_import.apply_import(import_id=previewed.pk, by=max_)

    # Then the 2 are added to the 7 left: the sale is not undone
    assert stock_of(s) == [9]


def test_taking_away_more_than_the_sales_left_stops_at_zero_and_says_so(wrap, max_):
    # Given a preview that takes 4 of M's 4 away
    m = wrap["WRAP-M-BLA"]
    previewed = saved(csv_bytes(["SKU", "Change"], ["WRAP-M-BLA", "-4"]), max_)

    # When 1 sells before Max confirms
    with transaction.atomic():
        reserve({m.pk: 1})
    applied = stock_import.apply_import(import_id=previewed.pk, by=max_)

    # Then the stock stops at zero, and the line is reported
    assert stock_of(m) == [0]
    assert [(c.line, c.variant.sku) for c in applied.stopped_at_zero] == [(2, "WRAP-M-BLA")]
    assert [mv.change for mv in applied.moves] == [-3]


def test_a_preview_that_cannot_be_applied_applies_nothing(wrap, max_):
    content = csv_bytes(["SKU", "Change"], ["WRAP-S-BLA", "1"], ["WRAP-M-BLA", "1"])
    s, m, _ = wrap.values()

    # Someone else's preview
    previewed = saved(content, max_)
    with pytest.raises(ImportRefused) as refused:
        stock_import.apply_import(import_id=previewed.pk, by=UserFactory())
    assert refused.value.message == (
        "Only the person who uploaded this file can apply it: upload it yourself."
    )

    # A preview older than an hour
    StockImport.objects.filter(pk=previewed.pk).update(
        previewed_at=timezone.now() - timedelta(minutes=61)
    )
    with pytest.raises(ImportRefused) as refused:
        stock_import.apply_import(import_id=previewed.pk, by=max_)
    assert refused.value.message == (
        "This preview is more than an hour old: upload the file again to see the changes it "
        "makes to the stock as it is now."
    )

    # A preview of which one variant has been removed since (the other is not applied alone)
    fresh = saved(content, max_)
    m.delete()
    with pytest.raises(ImportRefused) as refused:
        stock_import.apply_import(import_id=fresh.pk, by=max_)
    assert refused.value.message == (
        "The variant on line 3 was removed since the preview: upload the file again."
    )

    assert stock_of(s) == [10]
    assert not StockMove.objects.exists()
    assert not StockImport.objects.exclude(applied_at=None).exists()


def test_previews_never_applied_are_forgotten_after_a_day(wrap, max_):
    content = csv_bytes(["SKU", "Stock"], ["WRAP-S-BLA", "12"])
    old, recent = saved(content, max_), saved(content, max_)
    StockImport.objects.filter(pk=old.pk).update(previewed_at=timezone.now() - timedelta(days=2))

    newest = saved(content, max_)

    assert set(StockImport.objects.values_list("pk", flat=True)) == {recent.pk, newest.pk}


@pytest.mark.django_db(transaction=True)
def test_an_import_applied_while_shoppers_check_out_keeps_every_sale(category, colours, max_):
    # Given twenty variants with 10 each, and Max's preview that sets every one to 15 (+5)
    product = ProductPageFactory(parent=category, title="Pleated Skirt")
    variants = [
        VariantFactory(product=product, size=SizeFactory(name=f"EU{34 + n}"),
                       colour=colours["Black"], sku=f"SKIRT-{n:02d}", stock=10)
        for n in range(20)
    ]  # fmt: skip
    previewed = saved(csv_bytes(["SKU", "Stock"], *[[v.sku, "15"] for v in variants]), max_)
    shoppers, start = 5, threading.Barrier(7)
    outcomes = Counter()

    def confirm():
        start.wait()
        try:
            stock_import.apply_import(import_id=previewed.pk, by=max_)
            outcomes["applied"] += 1
        except ImportRefused:
            outcomes["refused"] += 1
        except Exception as error:  # a deadlock would land here
            outcomes[type(error).__name__] += 1
        finally:
            connections.close_all()

    def check_out(number: int):
        # Each wants one of every variant, asked for in its own order (locks go by key).
        wanted = {v.pk: 1 for v in (variants if number % 2 else reversed(variants))}
        start.wait()
        try:
            with transaction.atomic():
                reserve(wanted)
            outcomes["sold"] += 1
        except Exception as error:
            outcomes[type(error).__name__] += 1
        finally:
            connections.close_all()

    # When Max confirms twice (a double click) while five shoppers check out
    threads = [threading.Thread(target=confirm) for _ in range(2)]
    threads += [threading.Thread(target=check_out, args=(n,)) for n in range(shoppers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then the import applied once, every sale went through, and each variant has 10 + 5 - 5
    assert not any(thread.is_alive() for thread in threads)
    assert outcomes == Counter({"applied": 1, "refused": 1, "sold": shoppers})
    assert set(stock_of(*variants)) == {10}
    assert StockMove.objects.filter(key=previewed.key).count() == 20


def test_an_import_applies_in_as_many_queries_for_twenty_rows_as_for_two(category, colours, max_):
    product = ProductPageFactory(parent=category, title="Pleated Skirt")
    variants = [
        VariantFactory(product=product, size=SizeFactory(name=f"EU{34 + n}"),
                       colour=colours["Black"], sku=f"SKIRT-{n:02d}", stock=n)
        for n in range(22)
    ]  # fmt: skip

    def queries_to_apply(some) -> int:
        previewed = saved(csv_bytes(["SKU", "Stock"], *[[v.sku, "30"] for v in some]), max_)
        with CaptureQueriesContext(connection) as applying:
            stock_import.apply_import(import_id=previewed.pk, by=max_)
        return len(applying)

    assert queries_to_apply(variants[:2]) == queries_to_apply(variants[2:])
    assert set(stock_of(*variants)) == {30}
