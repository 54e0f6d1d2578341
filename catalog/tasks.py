"""Background work of the catalog: pictures made ahead, and back-in-stock mail."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import shared_task

from . import alerts
from .images import warm_renditions
from .models import ProductImage

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def warm_product_pictures(product_id: int) -> int:
    """Make every picture size of a product's gallery, so that no shopper waits for them."""
    images = [
        row.image
        for row in ProductImage.objects.filter(product_id=product_id).select_related("image")
    ]
    warm_renditions(images)
    return len(images)


@shared_task(ignore_result=True, acks_late=True)
def send_back_in_stock_alerts(variant_ids: list[int]) -> int:
    """Queued by `catalog.stock` when these variants came back in stock."""
    return alerts.send_alerts(variant_ids=variant_ids)


@shared_task
def send_due_alerts() -> int:
    """Beat: alerts of variants in stock that still wait (the queue lost their task)."""
    return alerts.send_alerts(variant_ids=alerts.due_variant_ids())


@shared_task
def purge_stale_alerts() -> int:
    """Beat, daily: expired pending alerts and old notified ones go."""
    return alerts.purge_stale_alerts()


def queue_back_in_stock(variant_ids: Iterable[int]) -> bool:
    """Hand the alerts of variants back in stock to Celery; False (and a log line) when the
    broker is unreachable: `send_due_alerts` sends them then."""
    try:
        send_back_in_stock_alerts.apply_async(args=[sorted(variant_ids)], retry=False)
    except Exception:  # kombu raises several kinds; every one means "not queued now".
        logger.warning(
            "Could not queue back-in-stock alerts of %s; beat will send them.",
            sorted(variant_ids),
            exc_info=True,
        )
        return False
    return True
