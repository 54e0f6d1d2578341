"""The API's limits cannot be dodged: clients are told apart by the address the proxy in front
saw, not by what they put in X-Forwarded-For, and failed token requests count against the
account exactly as failed sign-ins on the shop's pages do."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from mail.models import OutboxMessage

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough password"
NEW_PASSWORD = "another long enough password"
TOKEN_URL = "/api/v1/auth/token/"
LOCKED = "Too many failed login attempts. Try again later."


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    """As in production: one proxy in front, which appends the address it saw."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def through_nginx(client_address: str, made_up: str = "") -> dict:
    """The X-Forwarded-For Nginx passes on: what the client sent, then the address it saw."""
    return {"HTTP_X_FORWARDED_FOR": f"{made_up}, {client_address}" if made_up else client_address}


def confirmed(email: str) -> User:
    user = User.objects.create_user(email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def ask_for_token(email: str, password: str, **headers):
    return APIClient().post(
        TOKEN_URL, {"email": email, "password": password}, format="json", **headers
    )


def test_a_made_up_forwarded_for_is_not_a_new_client(settings):
    # Given a limit of 3 token requests a minute per client
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "auth": "3/minute"}

    # When one client sends a new made-up X-Forwarded-For with each request
    codes = [
        ask_for_token(
            f"guess{n}@example.com",
            "wrong password",
            **through_nginx("198.51.100.7", made_up=f"10.0.0.{n}"),
        ).status_code
        for n in range(4)
    ]

    # Then it is still one client, and the fourth request is throttled
    assert codes == [400, 400, 400, 429]


def test_wrong_passwords_on_the_api_lock_the_account_on_the_api_and_the_shop(client):
    # Given a confirmed account
    shopper = confirmed("ann@example.com")

    # When five wrong passwords are sent for it to the token endpoint, from five addresses
    for n in range(5):
        response = ask_for_token(
            shopper.email, "wrong password", **through_nginx(f"198.51.100.{n}")
        )
        assert response.json() == {
            "non_field_errors": ["The email address and/or password are not correct."]
        }

    # Then even the right password gets no token, from yet another address
    response = ask_for_token(shopper.email, PASSWORD, **through_nginx("203.0.113.9"))
    assert (response.status_code, response.json()) == (429, {"detail": LOCKED})
    assert not Token.objects.exists()

    # And the shop's sign-in refuses it too
    page = client.post(
        reverse("account_login"),
        {"login": shopper.email, "password": PASSWORD},
        **through_nginx("203.0.113.10"),
    )
    assert LOCKED in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_on_the_shop_lock_the_account_on_the_api(client):
    # Given a confirmed account that five wrong passwords were tried for on the shop's sign-in
    shopper = confirmed("ann@example.com")
    for n in range(5):
        client.post(
            reverse("account_login"),
            {"login": shopper.email, "password": "wrong password"},
            **through_nginx(f"198.51.100.{n}"),
        )

    # When the right password is sent to the API
    response = ask_for_token(shopper.email, PASSWORD, **through_nginx("203.0.113.9"))

    # Then no token is given
    assert (response.status_code, response.json()) == (429, {"detail": LOCKED})


def test_a_right_password_within_the_limits_still_gets_a_token():
    # Given a confirmed account and one typo
    shopper = confirmed("ann@example.com")
    ask_for_token(shopper.email, "one typo", **through_nginx("198.51.100.1"))

    # When the right password follows
    response = ask_for_token(shopper.email, PASSWORD, **through_nginx("198.51.100.1"))

    # Then a token is given
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=shopper).key}


def test_changing_the_password_replaces_the_token(client):
    # Given a shopper with an API token, signed in on the shop
    shopper = confirmed("ann@example.com")
    old = ask_for_token(shopper.email, PASSWORD).json()["token"]
    client.force_login(shopper)

    # When they change their password on the shop
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302

    # Then the old token no longer works, and the new password gets a new one
    assert APIClient(HTTP_AUTHORIZATION=f"Token {old}").get("/api/v1/orders/").status_code == 401
    new = ask_for_token(shopper.email, NEW_PASSWORD).json()["token"]
    assert new != old
    assert APIClient(HTTP_AUTHORIZATION=f"Token {new}").get("/api/v1/orders/").status_code == 200


def test_resetting_the_password_replaces_the_token(client):
    # Given a shopper with an API token
    shopper = confirmed("ann@example.com")
    old = ask_for_token(shopper.email, PASSWORD).json()["token"]

    # When they reset their password through the link mailed to them
    client.post(reverse("account_reset_password"), {"email": shopper.email})
    mail = OutboxMessage.objects.get(kind="password_reset_key")
    link = re.search(r"/accounts/password/reset/key/\S+/", mail.text_body).group(0)
    form_url = client.get(link).url  # allauth moves the key into the session
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    # Then the old token no longer works
    assert APIClient(HTTP_AUTHORIZATION=f"Token {old}").get("/api/v1/orders/").status_code == 401
