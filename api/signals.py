"""Where the API follows the accounts app, which knows nothing of it: a new password (changed,
reset, or set by staff) ends the account's API token, as it ends its other sessions. The next
token request with the new password gets a new one."""

from django.conf import settings
from django.db.models.signals import pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api-tokens-follow-password")
def end_tokens_on_new_password(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return  # e.g. the last sign-in's time
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()
