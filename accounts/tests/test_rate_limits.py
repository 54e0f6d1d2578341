"""Failed sign-ins beyond the limit are refused, on the shop's sign-in and on the admin's."""

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper():
    return UserFactory(email="limit@example.com")


@pytest.fixture
def boss():
    return UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)


def test_shop_sign_in_is_refused_after_five_failures(client, shopper):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": shopper.email, "password": "wrong guess"}
        )
        assert (
            "The email address and/or password you specified are not correct."
            in response.content.decode()
        )

    # Even the right password is refused now
    response = client.post(reverse("account_login"), {"login": shopper.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts. Try again later." in response.content.decode()


def test_shop_sign_in_limits_one_address_across_accounts(client):
    for number in range(10):
        client.post(
            reverse("account_login"), {"login": f"nobody{number}@example.com", "password": "x" * 12}
        )
    response = client.post(
        reverse("account_login"), {"login": "another@example.com", "password": "x" * 12}
    )
    assert "Too many failed login attempts. Try again later." in response.content.decode()


def test_admin_sign_in_is_refused_after_five_failures(client, boss):
    url = reverse("wagtailadmin_login")

    for _ in range(5):
        response = client.post(url, {"username": "boss@example.com", "password": "wrong guess"})
        assert response.status_code == 200

    response = client.post(url, {"username": "boss@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_sign_in_limits_one_address_across_accounts(client):
    url = reverse("wagtailadmin_login")
    for number in range(10):
        client.post(url, {"username": f"guess{number}@example.com", "password": "wrong"})
    assert (
        client.post(url, {"username": "other@example.com", "password": "wrong"}).status_code == 429
    )


def test_admin_sign_in_works_within_the_limits(client, boss):
    url = reverse("wagtailadmin_login")
    client.post(url, {"username": "boss@example.com", "password": "one typo"})
    response = client.post(url, {"username": "boss@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert int(client.session["_auth_user_id"]) == boss.pk
