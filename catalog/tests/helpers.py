"""Steps the catalog's back-in-stock tests share: asking for an alert as the product page's
form does, and reading the mail it leads to."""

from __future__ import annotations

import re

from django.urls import reverse

from mail.models import OutboxMessage


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
