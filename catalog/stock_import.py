"""Stock imported from a file: a CSV or XLSX sheet with a SKU column and either a Stock column
(set each variant's stock to that figure) or a Change column (add or take away that many).

An import goes in three steps, each a function here:

1. `read_file` reads the sheet into rows, each with its line number as the merchandiser sees it
   in a spreadsheet (the heading row is line 1).
2. `preview` checks every row (a known SKU, once in the file, a whole number, no stock below
   zero) and works out each variant's change from the stock it has now. `save_preview` keeps a
   preview without errors as a `StockImport`, to be applied.
3. `apply_import` applies a saved preview in one transaction: the variants locked in
   primary-key order (as checkouts lock them), each change made through `stock.adjust_stocks` as
   a difference from the stock the preview showed, so pieces sold since the preview stay sold,
   and recorded under the import's key, so a preview confirmed twice moves stock once.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import PurePath

from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .models import ProductVariant, StockImport, StockMove
from .stock import adjust_stocks

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# A preview shows the stock of its moment; applied much later, its differences would be
# guesses. Unapplied previews older than a day are cleared away.
PREVIEW_LIFETIME = timedelta(hours=1)
FORGET_UNAPPLIED_AFTER = timedelta(days=1)

SKU_HEADING, STOCK_HEADING, CHANGE_HEADING = "sku", "stock", "change"
WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (not a sheet, no SKU column, too long...)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class ImportRefused(Exception):
    """A saved preview that cannot be applied (any more); nothing was applied."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class FileRow:
    line: int
    sku: str
    figure: object  # as the sheet holds it: text from a CSV; a number or text from an XLSX


@dataclass(frozen=True)
class ImportFile:
    file_name: str
    kind: str  # StockImport.Kind
    rows: list[FileRow]


@dataclass(frozen=True)
class RowError:
    line: int
    sku: str
    message: str


@dataclass(frozen=True)
class PlannedChange:
    line: int
    variant: ProductVariant
    stock: int  # when previewed
    change: int

    @property
    def new_stock(self) -> int:
        return self.stock + self.change


@dataclass(frozen=True)
class Preview:
    file_name: str
    kind: str
    changes: list[PlannedChange]
    unchanged: int
    errors: list[RowError]


@dataclass(frozen=True)
class AppliedImport:
    stock_import: StockImport
    moves: list[StockMove]
    # Rows that asked to take away more than was left by then (sold since the preview): their
    # stock stopped at zero.
    stopped_at_zero: list[PlannedChange]


# 1. Reading -------------------------------------------------------------------------------------


def read_file(content: bytes, *, file_name: str) -> ImportFile:
    """The rows of a CSV or XLSX sheet below its heading row, blank rows left out. Raises
    ImportFileError when the file cannot be read or lacks the columns an import needs."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)d MB: split it into smaller files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".csv":
        table = csv_table(content)
    elif suffix == ".xlsx":
        table = xlsx_table(content)
    else:
        raise ImportFileError(_("Upload the stock as a .csv or .xlsx file."))

    heading_line, headings = next(
        ((line, cells) for line, cells in table if any(text(cell) for cell in cells)),
        (None, []),
    )
    if heading_line is None:
        raise ImportFileError(_("The file is empty: fill in the template and upload it again."))
    columns = {text(cell).lower(): index for index, cell in enumerate(headings) if text(cell)}
    where = {"line": heading_line}
    if SKU_HEADING not in columns:
        raise ImportFileError(
            _(
                "Line %(line)d has no SKU column: the first row must name the columns "
                "SKU and Stock (or SKU and Change)."
            )
            % where
        )
    if STOCK_HEADING in columns and CHANGE_HEADING in columns:
        raise ImportFileError(
            _(
                "Line %(line)d has both a Stock and a Change column: keep Stock to set the "
                "stock, or Change to add or take away pieces, not both."
            )
            % where
        )
    if STOCK_HEADING not in columns and CHANGE_HEADING not in columns:
        raise ImportFileError(
            _(
                "Line %(line)d has no Stock or Change column: add a Stock column to set the "
                "stock, or a Change column to add or take away pieces."
            )
            % where
        )
    kind = StockImport.Kind.SET if STOCK_HEADING in columns else StockImport.Kind.ADD
    sku_at = columns[SKU_HEADING]
    figure_at = columns[STOCK_HEADING if kind == StockImport.Kind.SET else CHANGE_HEADING]

    rows = []
    for line, cells in table:
        if not any(text(cell) for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(count)d rows: split it into smaller files.")
                % {"count": MAX_ROWS}
            )
        rows.append(
            FileRow(
                line=line,
                sku=text(cells[sku_at]) if sku_at < len(cells) else "",
                figure=cells[figure_at] if figure_at < len(cells) else None,
            )
        )
    if not rows:
        raise ImportFileError(
            _("The file has no rows below its headings: add a row for each SKU to change.")
        )
    return ImportFile(file_name=file_name, kind=kind, rows=rows)


def text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def csv_table(content: bytes):
    """(line, cells) for each record of a CSV file, numbered as a spreadsheet numbers rows.
    UTF-8 (with or without Excel's byte-order mark) or Windows-1252, separated by commas,
    semicolons (European Excel) or tabs."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            decoded = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The CSV file could not be read: save it as CSV UTF-8."))
    first_line = decoded.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        records = list(csv.reader(io.StringIO(decoded, newline=""), dialect))
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file could not be read (%(error)s): save it again as CSV UTF-8.")
            % {"error": error}
        ) from error
    return iter(enumerate(records, start=1))


def xlsx_table(content: bytes):
    """(line, cells) for each row of the workbook's first sheet, numbered as Excel numbers
    them."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook: save it as .xlsx or .csv.")
        ) from error
    sheet = workbook.worksheets[0]
    return enumerate(sheet.iter_rows(values_only=True), start=1)


def whole_number(figure: object) -> int | None:
    """The figure as a whole number, or None when it is not one (3.5, "three", "1,000")."""
    if isinstance(figure, bool):
        return None
    if isinstance(figure, int):
        return figure
    if isinstance(figure, (float, Decimal)):
        return int(figure) if figure == int(figure) else None
    value = text(figure)
    return int(value) if WHOLE_NUMBER.match(value) else None


# 2. Checking and previewing -------------------------------------------------------------------


def preview(sheet: ImportFile) -> Preview:
    """What importing the sheet would change, or why each bad row cannot be imported. Reads the
    variants in at most two queries, whatever the length of the file."""
    variants = variants_by_sku({row.sku for row in sheet.rows if row.sku})
    changes: list[PlannedChange] = []
    errors: list[RowError] = []
    unchanged = 0
    first_line: dict[int, int] = {}  # variant id → the line it is first on

    for row in sheet.rows:
        variant = variants.get(row.sku) or variants.get(row.sku.upper())
        also_on = first_line.setdefault(variant.pk, row.line) if variant else row.line
        problems = row_problems(row, variant, kind=sheet.kind, also_on=also_on)
        if problems:
            errors.extend(RowError(line=row.line, sku=row.sku, message=m) for m in problems)
            continue
        figure = whole_number(row.figure)
        change = figure - variant.stock if sheet.kind == StockImport.Kind.SET else figure
        if change:
            changes.append(
                PlannedChange(line=row.line, variant=variant, stock=variant.stock, change=change)
            )
        else:
            unchanged += 1

    return Preview(
        file_name=sheet.file_name,
        kind=sheet.kind,
        changes=changes,
        unchanged=unchanged,
        errors=errors,
    )


def row_problems(
    row: FileRow, variant: ProductVariant | None, *, kind: str, also_on: int
) -> list[str]:
    """Why the row cannot be imported, one sentence a problem; none when it can. `also_on` is
    the first line of the file with the same variant."""
    setting = kind == StockImport.Kind.SET
    problems = []
    if not row.sku:
        problems.append(_("The SKU is missing: give the SKU of the variant on this row."))
    elif variant is None:
        problems.append(
            _("No variant has the SKU %(sku)s: check it against the Stock view.") % {"sku": row.sku}
        )
    elif also_on != row.line:
        problems.append(
            _("%(sku)s is also on line %(line)d: keep one row per SKU.")
            % {"sku": row.sku, "line": also_on}
        )

    figure = whole_number(row.figure)
    if text(row.figure) == "":
        problems.append(
            _("The stock is missing: give the number of pieces.")
            if setting
            else _("The change is missing: give the number of pieces to add or take away.")
        )
    elif figure is None:
        example = _("such as 12") if setting else _("such as 5 or -3")
        problems.append(
            _("%(figure)s is not a whole number: give a number %(example)s.")
            % {"figure": text(row.figure), "example": example}
        )
    elif setting and figure < 0:
        problems.append(_("Stock cannot be below zero: give 0 or more."))
    elif not setting and variant is not None and variant.stock + figure < 0:
        problems.append(
            _("Taking away %(taken)d would leave the stock below zero: %(left)d are in stock.")
            % {"taken": -figure, "left": variant.stock}
        )
    return problems


def variants_by_sku(skus: set[str]) -> dict[str, ProductVariant]:
    """The variants of these SKUs, by SKU as typed; a SKU typed in other letter case is found
    under its upper case, when only one variant has it."""
    related = ("product", "size", "colour")
    found = {
        variant.sku: variant
        for variant in ProductVariant.objects.filter(sku__in=skus).select_related(*related)
    }
    others = {sku.upper() for sku in skus if sku not in found}
    if others:
        by_upper: dict[str, list[ProductVariant]] = {}
        for variant in (
            ProductVariant.objects.annotate(upper_sku=Upper("sku"))
            .filter(upper_sku__in=others)
            .select_related(*related)
        ):
            by_upper.setdefault(variant.upper_sku, []).append(variant)
        found.update({sku: hits[0] for sku, hits in by_upper.items() if len(hits) == 1})
    return found


def save_preview(result: Preview, *, by) -> StockImport:
    """Keep a preview without errors, to be applied by the same person."""
    if result.errors:
        raise ValueError("A preview with errors cannot be applied.")
    StockImport.objects.filter(
        applied_at=None, previewed_at__lt=timezone.now() - FORGET_UNAPPLIED_AFTER
    ).delete()
    return StockImport.objects.create(
        file_name=result.file_name[:255],
        kind=result.kind,
        changes=[
            {
                "line": planned.line,
                "variant": planned.variant.pk,
                "stock": planned.stock,
                "change": planned.change,
            }
            for planned in result.changes
        ],
        change_count=len(result.changes),
        unchanged_count=result.unchanged,
        by=by,
    )


def planned_changes(
    stock_import: StockImport, *, rows: list[dict] | None = None
) -> list[PlannedChange]:
    """A saved preview's changes (or those of its `rows`), in the file's order, with their
    variants (one query); variants deleted since are left out."""
    rows = stock_import.changes if rows is None else rows
    variants = ProductVariant.objects.select_related("product", "size", "colour").in_bulk(
        [row["variant"] for row in rows]
    )
    return [
        PlannedChange(
            line=row["line"],
            variant=variants[row["variant"]],
            stock=row["stock"],
            change=row["change"],
        )
        for row in sorted(rows, key=lambda row: row["line"])
        if row["variant"] in variants
    ]


def is_expired(stock_import: StockImport) -> bool:
    return stock_import.previewed_at < timezone.now() - PREVIEW_LIFETIME


# 3. Applying ----------------------------------------------------------------------------------


def apply_import(*, import_id: int, by) -> AppliedImport:
    """Apply a saved preview, all of it or (raising ImportRefused) none of it."""
    with transaction.atomic():
        # Two confirmations of one preview queue here; the second finds it applied.
        stock_import = StockImport.objects.select_for_update().get(pk=import_id)
        if stock_import.applied_at is not None:
            raise ImportRefused(_("This file was imported already; nothing more was changed."))
        if stock_import.by_id != by.pk:
            raise ImportRefused(
                _("Only the person who uploaded this file can apply it: upload it yourself.")
            )
        if is_expired(stock_import):
            raise ImportRefused(
                _(
                    "This preview is more than an hour old: upload the file again to see the "
                    "changes it makes to the stock as it is now."
                )
            )
        rows = {row["variant"]: row for row in stock_import.changes}
        try:
            moves = adjust_stocks(
                {variant_id: row["change"] for variant_id, row in rows.items()},
                key=stock_import.key,
                by=by,
                reason=StockMove.Reason.IMPORTED,
                notes={
                    variant_id: _("Import %(number)d, line %(line)d of %(file)s")
                    % {
                        "number": stock_import.pk,
                        "line": row["line"],
                        "file": stock_import.file_name,
                    }
                    for variant_id, row in rows.items()
                },
            )
        except ProductVariant.DoesNotExist as error:
            there = set(ProductVariant.objects.filter(pk__in=rows).values_list("pk", flat=True))
            gone = sorted(
                row["line"] for variant_id, row in rows.items() if variant_id not in there
            )
            raise ImportRefused(
                ngettext(
                    "The variant on line %(lines)s was removed since the preview: "
                    "upload the file again.",
                    "The variants on lines %(lines)s were removed since the preview: "
                    "upload the file again.",
                    len(gone),
                )
                % {"lines": ", ".join(str(line) for line in gone)}
            ) from error
        stock_import.applied_at = timezone.now()
        stock_import.save(update_fields=["applied_at"])
    stopped = [
        row
        for variant_id, row in rows.items()
        if variant_id in moves and moves[variant_id].change != row["change"]
    ]
    return AppliedImport(
        stock_import=stock_import,
        moves=sorted(moves.values(), key=lambda move: rows[move.variant_id]["line"]),
        stopped_at_zero=planned_changes(stock_import, rows=stopped) if stopped else [],
    )
