"""What the catalog does when editors and merchandisers change it: its cached output is made
afresh (`versions.catalog_changed`), and a published product's pictures are made in the
background (AVIF and WebP at two densities take a second or so per image: too long for the
editor's request, and for the first shopper's). And where it follows the accounts app, which
knows nothing of it: a deleted account's back-in-stock alerts go with it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import alerts, versions
from .models import Colour, ProductPage, Size, SizeGuide
from .tasks import warm_product_pictures

logger = logging.getLogger(__name__)


def catalog_changed(**kwargs) -> None:
    versions.catalog_changed()


# Any page: listings, product parts and page bodies link to pages and show their titles.
page_published.connect(catalog_changed, dispatch_uid="catalog-version-published")
page_unpublished.connect(catalog_changed, dispatch_uid="catalog-version-unpublished")
post_page_move.connect(catalog_changed, dispatch_uid="catalog-version-moved")
# Fragments name sizes and colours, and product pages show their size guide; a view
# restriction takes pages out of listings, search and the basket; a site's host and root page
# decide where paths lead (catalog.routing keeps routes per version).
for model in (Size, Colour, SizeGuide, PageViewRestriction, Site):
    post_save.connect(
        catalog_changed,
        sender=model,
        dispatch_uid=f"catalog-version-{model._meta.model_name}-saved",
    )
    post_delete.connect(
        catalog_changed,
        sender=model,
        dispatch_uid=f"catalog-version-{model._meta.model_name}-deleted",
    )


@receiver(post_delete, dispatch_uid="catalog-version-page-deleted")
def catalog_changed_on_page_delete(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        versions.catalog_changed()


@receiver(page_published, sender=ProductPage, dispatch_uid="catalog-warm-pictures")
def queue_pictures(sender, instance, **kwargs) -> None:
    def queue() -> None:
        try:
            warm_product_pictures.delay(instance.pk)
        except Exception:  # a missed warm-up only costs the first viewer some time
            logger.warning("Could not queue pictures of product %s", instance.pk, exc_info=True)

    transaction.on_commit(queue)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="catalog-forget-alerts")
def forget_alerts_of_deleted_account(sender, instance, **kwargs) -> None:
    # Before the row goes, while its addresses can still be read (a guest's alerts for them
    # go too); in the deletion's transaction, however the account is deleted.
    addresses = [instance.email, *instance.emailaddress_set.values_list("email", flat=True)]
    alerts.forget(user=instance, addresses=addresses)
