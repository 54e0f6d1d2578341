"""How long saved pieces are kept: an anonymous list nobody touched for SAVED_KEEP_DAYS (its
session expired long before) goes. An account's list is the shopper's, kept."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import SavedList

BATCH = 1000


def purge_abandoned_saved_lists(*, keep_days: int | None = None) -> int:
    """Delete anonymous saved lists (and their pieces) last changed more than `keep_days`
    (SAVED_KEEP_DAYS) ago, a batch per transaction; how many."""
    days = settings.SAVED_KEEP_DAYS if keep_days is None else keep_days
    stale = SavedList.objects.filter(
        user=None, updated_at__lt=timezone.now() - timedelta(days=days)
    ).order_by("pk")
    purged = 0
    while batch := list(stale.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            SavedList.objects.filter(pk__in=batch, user=None).delete()
        purged += len(batch)
    return purged
