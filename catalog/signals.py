"""When a product is published, its pictures are made in the background (AVIF and WebP at two
densities take a second or so per image: too long for the editor's request, and for the first
shopper's)."""

from __future__ import annotations

import logging

from django.db import transaction
from wagtail.signals import page_published

from .models import ProductPage

logger = logging.getLogger(__name__)


def queue_pictures(sender, instance, **kwargs) -> None:
    from .tasks import warm_product_pictures

    def queue() -> None:
        try:
            warm_product_pictures.delay(instance.pk)
        except Exception:  # a missed warm-up only costs the first viewer some time
            logger.warning("Could not queue pictures of product %s", instance.pk, exc_info=True)

    transaction.on_commit(queue)


page_published.connect(queue_pictures, sender=ProductPage, dispatch_uid="catalog-warm-pictures")
