"""Checks on what shoppers upload and type into their profile."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

AVATAR_MAX_BYTES = 2 * 1024 * 1024
# The picture types an avatar may be, by what Pillow reads in the file, and the file name
# extension each is stored under.
AVATAR_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,31}$")


def validate_avatar(file) -> None:
    """At most 2 MB, and a JPEG, PNG or WebP by its content (not its name)."""
    if file.size > AVATAR_MAX_BYTES:
        raise ValidationError(
            _("Your picture is %(size).1f MB; please choose one of 2 MB or less."),
            params={"size": file.size / 1024 / 1024},
            code="too_large",
        )
    if image_format(file) not in AVATAR_EXTENSIONS:
        raise ValidationError(_("Please upload a JPEG, PNG or WebP picture."), code="invalid_type")


def image_format(file) -> str | None:
    """What kind of picture `file` holds by its content ("JPEG", "PNG", …), whatever its name
    says; None when it is not one that Pillow reads."""
    try:
        file.seek(0)
        with Image.open(file) as image:
            return image.format
    except (OSError, ValueError, Image.DecompressionBombError):  # ValueError: no file at all
        return None
    finally:
        file.seek(0)


def validate_phone(value: str) -> None:
    if value and not PHONE.match(value):
        raise ValidationError(
            _("Enter a phone number with digits, spaces and an optional leading +."),
            code="invalid_phone",
        )
