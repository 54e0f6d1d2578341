"""Where checkout joins the sign-in flow: a session's basket merges into the account's on sign-in,
and a guest's orders join the account that confirms the same address."""

from allauth.account.signals import email_confirmed
from django.contrib.auth.signals import user_logged_in
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
