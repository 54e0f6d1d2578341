"""Where checkout joins the accounts app, which knows nothing of it: a session's basket merges
into the account's on sign-in, a guest's orders join the account that confirms the same address,
and a deleted account's orders stay for the books without anything that names the person."""

from allauth.account.signals import email_confirmed
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from . import basket, services


@receiver(user_logged_in, dispatch_uid="checkout-merge-basket")
def merge_basket(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        basket.merge_on_sign_in(request, user)


@receiver(email_confirmed, dispatch_uid="checkout-attach-guest-orders")
def attach_guest_orders(sender, request, email_address, **kwargs):
    if email_address.user_id:
        services.attach_guest_orders(user=email_address.user, email=email_address.email)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="checkout-anonymise-orders")
def anonymise_orders(sender, instance, **kwargs):
    # Before the row goes, while its orders can still be found by it; in the deletion's
    # transaction, however the account is deleted (by its owner or in the admin).
    services.anonymise_orders(user=instance)
