"""How allauth fits the store: its mail goes through the outbox, its links are built from
SITE_URL, and GitHub never takes over an account because it reports the same email."""

from __future__ import annotations

from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.urls import reverse

from mail.outbox import layout_context, send_rendered


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        message = self.render_mail(template_prefix, email, layout_context(context))
        alternatives = getattr(message, "alternatives", [])
        html = next((content for content, kind in alternatives if kind == "text/html"), "")
        send_rendered(
            to=email,
            subject=message.subject,
            text=message.body,
            html=html,
            kind=template_prefix.removeprefix("account/email/"),
        )

    def format_email_subject(self, subject: str) -> str:
        return subject  # our subjects name the store themselves

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return settings.SITE_URL + reverse("account_confirm_email", args=[emailconfirmation.key])

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", quote(key))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    pass
