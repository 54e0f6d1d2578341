"""The store's user: email is the login, case-insensitively, and there is no username. Shoppers
keep a profile on it and an address book beside it."""

import uuid

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .validators import AVATAR_EXTENSIONS, image_format, validate_avatar, validate_phone

COUNTRIES = [
    ("US", _("United States")),
    ("CA", _("Canada")),
    ("GB", _("United Kingdom")),
    ("IE", _("Ireland")),
    ("FR", _("France")),
    ("DE", _("Germany")),
    ("NL", _("Netherlands")),
    ("BE", _("Belgium")),
    ("ES", _("Spain")),
    ("IT", _("Italy")),
    ("SE", _("Sweden")),
    ("DK", _("Denmark")),
    ("AU", _("Australia")),
    ("NZ", _("New Zealand")),
]


def avatar_path(user, filename: str) -> str:
    """A random name, for the file's URL must not reveal whose picture it is, with the extension
    of what the picture is (the upload's own name is not to be trusted: Nginx serves the file
    by its extension)."""
    extension = AVATAR_EXTENSIONS.get(image_format(user.avatar), "")
    return f"avatars/{uuid.uuid4().hex}{extension}"


def normalize_email(email: str) -> str:
    """One spelling per address: `Ann@Example.COM` and `ann@example.com` are one account."""
    return (email or "").strip().lower()


def mailbox_of(email: str) -> str:
    """The mailbox an address reaches, for limits per person: `Ann+sale1@Example.com` and
    `ann@example.com` land in one inbox, so they count as one customer."""
    local, _, domain = normalize_email(email).rpartition("@")
    if not local:
        return normalize_email(email)
    return f"{local.split('+', 1)[0]}@{domain}"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=normalize_email(username))

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser needs is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    avatar = models.ImageField(
        _("avatar"), upload_to=avatar_path, blank=True, validators=[validate_avatar]
    )
    marketing_consent = models.BooleanField(_("send me news and offers by email"), default=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("An account with this email address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)


class Address(models.Model):
    """An entry of a shopper's address book; at most one is the default for shipping."""

    # The postal fields, which checkout's ShippingAddress shares name for name.
    POSTAL_FIELDS = (
        "full_name",
        "line1",
        "line2",
        "city",
        "region",
        "postcode",
        "country",
        "phone",
    )

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    full_name = models.CharField(_("full name"), max_length=120)
    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("apartment, suite, etc."), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("state, county or region"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode or ZIP"), max_length=20)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, default="US")
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    is_default = models.BooleanField(_("default shipping address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="accounts_address_one_default_per_user",
            )
        ]

    def __str__(self) -> str:
        return ", ".join(self.lines())

    def lines(self) -> list[str]:
        return [
            part
            for part in (
                self.full_name,
                self.line1,
                self.line2,
                " ".join(p for p in (self.postcode, self.city) if p),
                self.region,
                self.get_country_display(),
            )
            if part
        ]
