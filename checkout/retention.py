"""How long checkout keeps what it no longer needs: an anonymous basket nobody touched for
BASKET_KEEP_DAYS (its session expired long before), and the id of a Stripe event once Stripe can
no longer send that event again (STRIPE_EVENT_KEEP_DAYS). Orders are records, kept."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Basket, StripeEvent

BATCH = 1000


def purge_abandoned_baskets(*, keep_days: int | None = None) -> int:
    """Delete anonymous baskets (and their lines) last changed more than `keep_days`
    (BASKET_KEEP_DAYS) ago, a batch per transaction; how many."""
    days = settings.BASKET_KEEP_DAYS if keep_days is None else keep_days
    stale = Basket.objects.filter(
        user=None, updated_at__lt=timezone.now() - timedelta(days=days)
    ).order_by("pk")
    purged = 0
    while batch := list(stale.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            Basket.objects.filter(pk__in=batch, user=None).delete()
        purged += len(batch)
    return purged


def purge_stripe_events(*, keep_days: int | None = None) -> int:
    """Forget the ids of Stripe events received more than `keep_days` (STRIPE_EVENT_KEEP_DAYS)
    ago; how many."""
    days = settings.STRIPE_EVENT_KEEP_DAYS if keep_days is None else keep_days
    deleted, _ = StripeEvent.objects.filter(
        received_at__lt=timezone.now() - timedelta(days=days)
    ).delete()
    return deleted
