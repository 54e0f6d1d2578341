"""What the catalog's tests alone share: stock files as a merchandiser's spreadsheet saves them."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook


def csv_bytes(*rows, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """A CSV file of these rows (the first is the headings)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(*rows) -> bytes:
    """An Excel workbook whose first sheet holds these rows; None leaves a cell empty."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def stock_file(name: str, *rows) -> SimpleUploadedFile:
    """An upload of these rows, as CSV or XLSX after the name's suffix."""
    content = xlsx_bytes(*rows) if name.endswith(".xlsx") else csv_bytes(*rows)
    return SimpleUploadedFile(name, content)
