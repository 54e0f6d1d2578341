"""Accounts' data is kept only as long as needed: expired sessions are purged, and an avatar's
file is named by what the picture is, not by what its upload was called."""

import io
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from PIL import Image

from accounts.models import User

pytestmark = pytest.mark.django_db


def run_beat(entry: str):
    return import_string(settings.CELERY_BEAT_SCHEDULE[entry]["task"]).apply().get()


def test_expired_sessions_are_purged(client):
    # Given a session that expired and one that did not
    Session.objects.create(
        session_key="expired", session_data="", expire_date=timezone.now() - timedelta(seconds=1)
    )
    Session.objects.create(
        session_key="current", session_data="", expire_date=timezone.now() + timedelta(days=1)
    )

    # When beat runs the purge
    run_beat("purge-expired-sessions")

    # Then only the current one is left
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]


def picture(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "#c0ffee").save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("uploaded_as", "image_format", "extension"),
    [
        ("photo.png", "JPEG", ".jpg"),
        ("me.jpeg", "WEBP", ".webp"),
        ("portrait.gif", "PNG", ".png"),
        ("Holiday.JPG", "JPEG", ".jpg"),
    ],
)
def test_an_avatars_extension_comes_from_what_the_picture_is(
    client, uploaded_as, image_format, extension
):
    # Given a signed-in shopper
    shopper = User.objects.create_user("ann@example.com", password="a long enough password")
    EmailAddress.objects.create(user=shopper, email=shopper.email, verified=True, primary=True)
    client.force_login(shopper)

    # When they upload a picture under a misleading name
    upload = SimpleUploadedFile(uploaded_as, picture(image_format), content_type="image/gif")
    response = client.post(reverse("accounts:profile"), {"first_name": "Ann", "avatar": upload})
    assert response.status_code == 302

    # Then the stored file is named after what the picture is
    shopper.refresh_from_db()
    assert shopper.avatar.name.startswith("avatars/")
    assert shopper.avatar.name.endswith(extension)
    assert shopper.avatar.name.count(".") == 1
