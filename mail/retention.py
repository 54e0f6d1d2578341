"""How long the outbox keeps mail: a sent message (or one given up on) for OUTBOX_KEEP_DAYS, long
enough to answer "did you send it?"; a message to an account that is deleted not a moment
longer. Mail still waiting to go is never purged by age: it is being retried."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import OutboxMessage


def purge_old_mail(*, keep_days: int | None = None) -> int:
    """Delete sent and failed messages older than `keep_days` (OUTBOX_KEEP_DAYS); how many."""
    days = settings.OUTBOX_KEEP_DAYS if keep_days is None else keep_days
    cutoff = timezone.now() - timedelta(days=days)
    done_with = Q(state=OutboxMessage.State.SENT, sent_at__lt=cutoff) | Q(
        state=OutboxMessage.State.FAILED, created_at__lt=cutoff
    )
    deleted, _ = OutboxMessage.objects.filter(done_with).delete()
    return deleted


def forget_recipient(*, addresses: Iterable[str]) -> int:
    """Delete every message to `addresses` (in any case), sent or still waiting, so that a
    deleted account leaves no mail behind and is sent none; how many. A delivery under way
    finishes first: the deletion waits for its row."""
    to_them = Q()
    for address in {address.strip().lower() for address in addresses if address}:
        to_them |= Q(to__iexact=address)
    if not to_them:
        return 0
    deleted, _ = OutboxMessage.objects.filter(to_them).delete()
    return deleted
