"""What the catalog's tests alone share: stock files as a merchandiser's spreadsheet saves them,
asking for a back-in-stock alert as the product page's form does, and reading the mail it leads
to."""

from __future__ import annotations

import csv
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from mail.models import OutboxMessage


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


def ask_for_alert(client, variant, *, email: str = "", **headers):
    """Press "Email me when it's back" for `variant` on its product page, in a browser that says
    the POST comes from our own page; `headers` add to what it sends."""
    headers = {"HTTP_SEC_FETCH_SITE": "same-origin", **headers}
    return client.post(
        reverse("catalog:alert_subscribe"), {"variant": variant.pk, "email": email}, **headers
    )


def mails(kind: str) -> list[OutboxMessage]:
    """The mails of one kind in the outbox ("catalog/back_in_stock"), oldest first."""
    return list(OutboxMessage.objects.filter(kind=kind).order_by("pk"))


def link_in(message: OutboxMessage, path: str) -> str:
    """The path (and query) of the first link in the mail's text that goes to `path`."""
    found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S*)", message.text_body)
    assert found is not None, f"No link to {path} in:\n{message.text_body}"
    return found.group(1)
