"""Keep the cached store shell (navigation, settings) in step with what editors publish."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalog.models import Colour, Size, SizeGuide

from . import store
from .models import StoreSettings


def invalidate_on_commit(**kwargs) -> None:
    transaction.on_commit(store.invalidate)


page_published.connect(invalidate_on_commit, dispatch_uid="store-shell-published")
page_unpublished.connect(invalidate_on_commit, dispatch_uid="store-shell-unpublished")
post_page_move.connect(invalidate_on_commit, dispatch_uid="store-shell-moved")
post_save.connect(invalidate_on_commit, sender=StoreSettings, dispatch_uid="store-shell-settings")
# Catalog fragments (catalog.fragments) name sizes and colours, and are cached under the shell's
# version.
post_save.connect(invalidate_on_commit, sender=Size, dispatch_uid="store-shell-sizes")
post_save.connect(invalidate_on_commit, sender=Colour, dispatch_uid="store-shell-colours")
# Product pages show their size guide, and are cached under the same version.
post_save.connect(invalidate_on_commit, sender=SizeGuide, dispatch_uid="store-shell-size-guides")


@receiver(post_delete, dispatch_uid="store-shell-page-deleted")
def invalidate_on_page_delete(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        invalidate_on_commit()
