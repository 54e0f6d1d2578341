"""What goes with a deleted account however it is deleted (by its owner or in the admin): the
mail written to its addresses, sent or waiting, which the outbox would otherwise keep or send."""

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from mail.retention import forget_recipient


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts-forget-mail")
def forget_mail_of_deleted_account(sender, instance, **kwargs):
    # Before the row goes, while its email addresses can still be read; in the deletion's
    # transaction, so that the mail goes exactly when the account does.
    addresses = [instance.email, *instance.emailaddress_set.values_list("email", flat=True)]
    forget_recipient(addresses=addresses)
