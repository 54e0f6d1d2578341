"""Background work of the catalog."""

from __future__ import annotations

from celery import shared_task

from .images import warm_renditions
from .models import ProductImage


@shared_task(ignore_result=True)
def warm_product_pictures(product_id: int) -> int:
    """Make every picture size of a product's gallery, so that no shopper waits for them."""
    images = [
        row.image
        for row in ProductImage.objects.filter(product_id=product_id).select_related("image")
    ]
    warm_renditions(images)
    return len(images)
