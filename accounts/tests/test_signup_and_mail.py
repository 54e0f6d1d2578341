"""Signup, confirmation, password reset and email change, end to end: the mail goes through the
outbox and a real Celery worker on Redis to a real SMTP server on loopback."""

import re
import time
from urllib.parse import urlsplit

import pytest
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from mail.models import OutboxMessage

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
LINK = re.compile(r"https?://[^\s]+/accounts/[^\s]+/")


def eventually(condition, timeout: float = 10) -> bool:
    """The worker commits the row's new state just after the SMTP server took the mail."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def link_in(message) -> str:
    """The link in a mail's text part, as a path the test client can follow."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return urlsplit(LINK.search(text).group(0)).path


def test_signup_confirm_and_sign_in(client, celery_worker):
    smtp = celery_worker.smtp
    # When a shopper signs up
    started = time.monotonic()
    response = client.post(
        reverse("account_signup"),
        {"email": "Ann@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    # Then the confirmation mail reaches the SMTP server, with a text and an HTML part
    [message] = smtp.wait_for(1)
    print(f"\nsignup → mail at the SMTP server: {smtp.received_at[0] - started:.3f} s")
    assert message["To"] == "ann@example.com"
    assert message["Subject"] == "Confirm your email address for The Dress Store"
    assert (
        message.get_body(preferencelist=("html",)).get_content().count("Confirm my email address")
        == 1
    )
    assert eventually(lambda: OutboxMessage.objects.get().state == OutboxMessage.State.SENT)

    # And signing in before confirming is refused, with the reason and a way to resend
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "ann@example.com", "password": PASSWORD}, follow=True
    )
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Before you can sign in, please confirm that this email address is yours" in page
    assert reverse("accounts:resend_confirmation") in page

    # When the shopper follows the link and confirms
    confirm = link_in(message)
    assert client.get(confirm).status_code == 200
    response = client.post(confirm)
    assert response.status_code == 302

    # Then they can sign in
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "ANN@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="ann@example.com").pk


def test_password_reset_end_to_end(client, celery_worker):
    smtp = celery_worker.smtp
    user = UserFactory(email="reset@example.com")

    client.post(reverse("account_reset_password"), {"email": "reset@example.com"})
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "Reset your The Dress Store password"

    # The link's key moves into the session, and the shopper is sent on to the form
    reset = link_in(message)
    response = client.get(reset)
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url == reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": "set-password"},
    )
    new_password = "another long passphrase here"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    assert client.login(username="reset@example.com", password=new_password)


def test_email_change_end_to_end(client, celery_worker):
    smtp = celery_worker.smtp
    user = UserFactory(email="old@example.com")
    client.force_login(user)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.com"})
    assert response.status_code == 302
    message = smtp.wait_for(1)[0]
    assert message["To"] == "new@example.com"

    client.post(link_in(message))

    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert list(user.emailaddress_set.values_list("email", flat=True)) == ["new@example.com"]
