"""Delivering one outbox message, at most once, with backoff on failure."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

MAX_ATTEMPTS = 20
MAX_BACKOFF = timedelta(minutes=10)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    GAVE_UP = "gave up"
    SKIPPED = "skipped"  # already sent, or being sent by another worker right now


def backoff(attempts: int) -> timedelta:
    """15 s, 30 s, 1 min, 2 min, … capped at 10 minutes."""
    return min(timedelta(seconds=15 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058: mail programs show "Unsubscribe" and stop the mails with one POST to `url`."""
    if not url:
        return {}
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def deliver_message(message_id: int) -> Outcome:
    """Send the message if it is still pending. The row stays locked while it is sent, so a
    second run of the same task waits or skips, and finds it sent."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, state=OutboxMessage.State.PENDING)
            .first()
        )
        if message is None:
            return Outcome.SKIPPED
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text_body,
            from_email=message.from_email,
            to=[message.to],
            headers=unsubscribe_headers(message.unsubscribe_url),
            connection=get_connection(fail_silently=False),
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        message.attempts += 1
        try:
            email.send()
        except Exception as error:  # SMTP, DNS, TLS: every failure is retried the same way.
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.state = OutboxMessage.State.FAILED
                outcome = Outcome.GAVE_UP
            else:
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
                outcome = Outcome.RETRY
        else:
            message.state = OutboxMessage.State.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
            outcome = Outcome.SENT
        message.save(
            update_fields=["state", "attempts", "last_error", "next_attempt_at", "sent_at"]
        )
        return outcome


def due_messages(*, grace: timedelta = timedelta(seconds=30)) -> list[int]:
    """Pending messages whose next attempt is due, and overdue by `grace`: those the queue lost
    (Redis was down when they were written, or a worker died holding them)."""
    return list(
        OutboxMessage.objects.filter(
            state=OutboxMessage.State.PENDING, next_attempt_at__lte=timezone.now() - grace
        ).values_list("pk", flat=True)[:500]
    )
