"""The production settings and the content security policy."""

import json
import subprocess
import sys

import pytest

from accounts.tests.factories import UserFactory

SETUP = "import django; django.setup(); from django.conf import settings; "
SECRETS = {
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/dress_store",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "REDIS_LIMITS_URL": "redis://127.0.0.1:6380/0",
    "EMAIL_URL": "smtp://127.0.0.1:25",
    "DEFAULT_FROM_EMAIL": "shop@example.com",
    "SITE_URL": "https://shop.example.com",
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
}


def production_settings(
    environment: dict, code: str = SETUP + "print(settings.DEBUG)"
) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "dress_store.settings.production",
        # boto3 would otherwise look for credentials at the cloud's metadata address.
        "AWS_EC2_METADATA_DISABLED": "true",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_its_secrets():
    result = production_settings({})
    assert result.returncode != 0
    assert (
        "The production settings need these environment variables, which are not set: "
        "DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, REDIS_LIMITS_URL, "
        "EMAIL_URL, DEFAULT_FROM_EMAIL, SITE_URL, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET"
    ) in result.stderr


def test_production_starts_with_them():
    result = production_settings(SECRETS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def media_settings(environment: dict) -> dict:
    """Where production puts the media, as its settings and the storage itself say."""
    result = production_settings(
        {**SECRETS, **environment},
        SETUP + "import json; from django.core.files.storage import default_storage as media; "
        "print(json.dumps({'backend': settings.STORAGES['default']['BACKEND'], "
        "'media_url': settings.MEDIA_URL, "
        "'img_src': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], "
        "'url': media.url('original_images/look.jpg')}))",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_media_stay_on_the_disk_by_default():
    assert media_settings({}) == {
        "backend": "django.core.files.storage.FileSystemStorage",
        "media_url": "/media/",
        "img_src": ["'self'", "data:"],
        "url": "/media/original_images/look.jpg",
    }


def test_media_go_to_a_bucket_with_media_storage_s3():
    bucket = {"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "dress-store-media"}
    # Behind a CDN: its name in every URL, and in the policy for pictures
    assert media_settings({**bucket, "AWS_S3_CUSTOM_DOMAIN": "media.example.com"}) == {
        "backend": "storages.backends.s3.S3Storage",
        "media_url": "https://media.example.com/",
        "img_src": ["'self'", "data:", "https://media.example.com/"],
        "url": "https://media.example.com/original_images/look.jpg",
    }
    # An S3-compatible server of its own: the bucket is a path under it
    endpoint = {
        "AWS_S3_ENDPOINT_URL": "https://objects.example.net",
        "AWS_S3_REGION_NAME": "eu-1",
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
    }
    assert media_settings({**bucket, **endpoint})["url"] == (
        "https://objects.example.net/dress-store-media/original_images/look.jpg"
    )
    # AWS itself
    on_aws = media_settings(bucket)
    assert on_aws["url"] == "https://dress-store-media.s3.amazonaws.com/original_images/look.jpg"
    assert (
        on_aws["img_src"][-1]
        == on_aws["media_url"]
        == "https://dress-store-media.s3.amazonaws.com/"
    )


def test_media_on_s3_refuse_to_start_without_a_bucket_or_with_an_unknown_storage():
    result = production_settings({**SECRETS, "MEDIA_STORAGE": "s3"})
    assert result.returncode != 0
    assert "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME" in result.stderr
    result = production_settings({**SECRETS, "MEDIA_STORAGE": "gcs"})
    assert result.returncode != 0
    assert "MEDIA_STORAGE is 'gcs': it must be filesystem (the default) or s3." in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client, home_page, settings):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "https://checkout.stripe.com" in directives["form-action"]


@pytest.mark.django_db
def test_the_admin_gets_what_wagtail_needs_and_no_more(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    policy = client.get("/admin/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "object-src 'none'" in policy
