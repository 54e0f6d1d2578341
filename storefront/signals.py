"""Keep the cached shell (navigation, settings) in step with what editors publish."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import purge, shell
from .models import StoreSettings


def forget_shell_on_commit(**kwargs) -> None:
    transaction.on_commit(shell.forget)


page_published.connect(forget_shell_on_commit, dispatch_uid="store-shell-published")
page_unpublished.connect(forget_shell_on_commit, dispatch_uid="store-shell-unpublished")
post_page_move.connect(forget_shell_on_commit, dispatch_uid="store-shell-moved")
post_save.connect(forget_shell_on_commit, sender=StoreSettings, dispatch_uid="store-shell-settings")


@receiver(post_delete, dispatch_uid="store-shell-page-deleted")
def forget_shell_on_page_delete(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        forget_shell_on_commit()


# Nginx's shared page cache (storefront/purge.py): a page and the listings above it.
def purge_page_on_commit(instance, **kwargs) -> None:
    purge.purge_on_commit(purge.with_ancestors(instance))


def purge_moved_page_on_commit(instance, parent_page_before, **kwargs) -> None:
    paths = purge.with_ancestors(instance) | purge.with_ancestors(parent_page_before)
    if kwargs.get("url_path_before"):
        # The page's old address, under the same site root as its old parent's.
        old_parent = parent_page_before.get_url_parts()
        if old_parent and old_parent[2]:
            paths.add(old_parent[2] + instance.slug + "/")
    purge.purge_on_commit(paths)


page_published.connect(purge_page_on_commit, dispatch_uid="store-purge-published")
page_unpublished.connect(purge_page_on_commit, dispatch_uid="store-purge-unpublished")
post_page_move.connect(purge_moved_page_on_commit, dispatch_uid="store-purge-moved")


@receiver(post_delete, dispatch_uid="store-purge-page-deleted")
def purge_deleted_page(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page) and instance.live:
        purge.purge_on_commit(purge.with_ancestors(instance))
