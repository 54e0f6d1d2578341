"""Keep the cached shell (navigation, settings) in step with what editors publish."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import shell
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
