"""One function sends every mail the store sends: `send_mail` (or `send_rendered` for mail that
someone else rendered, such as allauth's).

It writes an outbox row in the caller's transaction, so a mail exists exactly when what it
speaks of was committed, and it queues the delivery task after the commit. If Redis cannot take
the task, nothing is lost: the row waits, and the beat task `requeue_unsent` queues it later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from storefront.models import StoreSettings

from .models import OutboxMessage
from .tasks import queue_delivery


def layout_context(context: dict) -> dict:
    return {"store_name": StoreSettings.load().store_name, "site_url": settings.SITE_URL, **context}


def send_mail(*, to: str, template: str, context: dict, unsubscribe_url: str = "") -> OutboxMessage:
    """Render `mail/<template>.subject.txt`, `.txt` and `.html` in the shared layout and send.
    A mail the shopper asked for and may stop names where (`unsubscribe_url`: a link that
    stops it in one POST, signed out)."""
    full_context = layout_context(context)
    subject = render_to_string(f"mail/{template}.subject.txt", full_context).strip()
    text = render_to_string(f"mail/{template}.txt", full_context)
    html = render_to_string(f"mail/{template}.html", full_context)
    return send_rendered(
        to=to,
        subject=subject,
        text=text,
        html=html,
        kind=template,
        unsubscribe_url=unsubscribe_url,
    )


def send_rendered(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    kind: str = "",
    unsubscribe_url: str = "",
) -> OutboxMessage:
    """Send a mail whose parts are already rendered. Text without HTML is given the layout's
    HTML, so every mail has both parts."""
    if not html:
        html = render_to_string(
            "mail/plain.html", layout_context({"subject": subject, "text": text})
        )
    message = OutboxMessage.objects.create(
        to=to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=" ".join(subject.split())[:255],
        text_body=text,
        html_body=html,
        kind=kind,
        unsubscribe_url=unsubscribe_url,
    )
    transaction.on_commit(lambda: queue_delivery(message.pk))
    return message
