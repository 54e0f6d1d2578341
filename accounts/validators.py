"""Checks on what shoppers upload and type into their profile."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_FORMATS = {"JPEG", "PNG", "WEBP"}
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,31}$")


def validate_avatar(file) -> None:
    """At most 2 MB, and a JPEG, PNG or WebP by its content (not its name)."""
    if file.size > AVATAR_MAX_BYTES:
        raise ValidationError(
            _("Your picture is %(size).1f MB; please choose one of 2 MB or less."),
            params={"size": file.size / 1024 / 1024},
            code="too_large",
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
    except (OSError, Image.DecompressionBombError):
        image_format = None
    finally:
        file.seek(0)
    if image_format not in AVATAR_FORMATS:
        raise ValidationError(_("Please upload a JPEG, PNG or WebP picture."), code="invalid_type")


def validate_phone(value: str) -> None:
    if value and not PHONE.match(value):
        raise ValidationError(
            _("Enter a phone number with digits, spaces and an optional leading +."),
            code="invalid_phone",
        )
