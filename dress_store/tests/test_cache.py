"""The store's cache while Redis is unreachable: reads miss, writes are dropped, locks granted."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory

UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        alias: {**config, "LOCATION": UNREACHABLE} for alias, config in settings.CACHES.items()
    }


def test_an_unreachable_redis_misses_drops_and_grants(redis_down):
    cache = caches["default"]
    assert cache.get("anything", "missed") == "missed"
    assert cache.set("anything", 1) is None
    assert cache.add("lock", True) is True


@pytest.mark.django_db
def test_a_shopper_signs_up_and_in_while_redis_is_down(client, redis_down):
    # allauth counts sign-ups and sign-ins under a lock taken in the cache: refused, it would
    # answer 429 to everyone for as long as Redis is down
    password = "a long and unusual passphrase"
    signed_up = client.post(
        reverse("account_signup"),
        {"email": "down@example.com", "password1": password, "password2": password},
    )
    UserFactory(email="in@example.com", password=password)
    signed_in = client.post(
        reverse("account_login"), {"login": "in@example.com", "password": password}
    )

    assert (signed_up.status_code, signed_up["Location"]) == (302, "/accounts/confirm-email/")
    assert User.objects.filter(email="down@example.com").exists()
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/accounts/profile/")
