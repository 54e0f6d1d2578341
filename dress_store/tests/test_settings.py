"""The production settings and the content security policy."""

import subprocess
import sys

import pytest

from accounts.tests.factories import UserFactory


def production_settings(environment: dict) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "dress_store.settings.production",
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
    result = production_settings(
        {
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
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


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
