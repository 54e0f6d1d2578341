"""Sign in with GitHub through allauth's real code, against the GitHub stand-in over HTTP."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from mail.models import OutboxMessage
from standins.github_oauth import GitHubUser
from testing.http import fetch

pytestmark = pytest.mark.django_db

ANN = GitHubUser(
    login="ann-octo",
    id=4242,
    name="Ann Octo",
    emails=[
        {"email": "ann.old@example.com", "primary": False, "verified": False, "visibility": None},
        {"email": "ann@example.com", "primary": True, "verified": True, "visibility": "public"},
    ],
)


def consent(authorize_url: str, decision: str = "allow") -> str:
    """What the shopper's browser does at GitHub: approve (or deny), and come back."""
    url = urlsplit(authorize_url)
    form = dict(parse_qsl(url.query)) | {"decision": decision}
    answer = fetch(f"{url.scheme}://{url.netloc}{url.path}", data=form)
    assert answer.status == 302, "GitHub did not send the shopper back."
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def sign_in_with_github(
    client, github, user: GitHubUser, *, process: str = "login", decision="allow"
):
    github.sign_in_as(user)
    response = client.post(reverse("github_login"), {"process": process})
    assert response.status_code == 302
    assert response["Location"].startswith(github.url + "/login/oauth/authorize?")
    return client.get(consent(response["Location"], decision))


def signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_a_new_github_user_gets_an_account_with_the_verified_primary_email(client, github):
    response = sign_in_with_github(client, github, ANN)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user = signed_in_user(client)
    assert user.email == "ann@example.com"
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("github", "4242")
    assert user.emailaddress_set.get(email="ann@example.com").verified
    assert ("POST", "/login/oauth/access_token") in github.requests
    assert ("GET", "/api/v3/user/emails") in github.requests


def test_a_signed_in_shopper_connects_github(client, github):
    shopper = UserFactory(email="someone@example.com")
    client.force_login(shopper)

    sign_in_with_github(client, github, ANN, process="connect")

    assert SocialAccount.objects.get(provider="github").user == shopper
    assert signed_in_user(client) == shopper
    assert User.objects.count() == 1


def test_an_existing_account_is_not_taken_over_by_the_same_email(client, github):
    # Given an account for ann@example.com, and a GitHub user claiming that verified address
    owner = UserFactory(email="ann@example.com")

    sign_in_with_github(client, github, ANN)

    # Then nobody is signed in as the owner, and GitHub is not connected to the account
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.filter(user=owner).exists()
    assert User.objects.count() == 1
    # And, as for any signup with a taken address, the page does not tell whether it exists:
    # the owner is told by mail instead.
    notice = OutboxMessage.objects.get(to="ann@example.com")
    assert notice.subject == "You already have an account at The Dress Store"


def test_the_provider_failing_signs_nobody_in(client, github):
    github.fail_token_exchange = "bad_verification_code"
    response = sign_in_with_github(client, github, ANN)
    assert response.status_code == 401
    assert "We could not sign you in with GitHub" in response.content.decode()
    assert signed_in_user(client) is None
    assert User.objects.count() == 0


def test_the_shopper_declining_at_github_signs_nobody_in(client, github):
    response = sign_in_with_github(client, github, ANN, decision="deny")
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_login_cancelled")
    assert signed_in_user(client) is None
    assert User.objects.count() == 0


def test_disconnect_github_from_the_profile(client, github):
    sign_in_with_github(client, github, ANN)
    user = signed_in_user(client)
    user.set_password("a long enough password")
    user.save()
    client.force_login(user)
    account = SocialAccount.objects.get(user=user)

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_connections")
    assert not SocialAccount.objects.filter(user=user).exists()


def test_the_github_button_shows_only_when_configured(client, settings):
    assert "Continue with GitHub" in client.get(reverse("account_login")).content.decode()
    with override_settings(SOCIALACCOUNT_PROVIDERS={"github": {"SCOPE": ["user:email"]}}):
        assert "Continue with GitHub" not in client.get(reverse("account_login")).content.decode()
