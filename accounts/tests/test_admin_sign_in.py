"""The Wagtail admin's sign-in is for staff: it gives a session only to users who may enter the
admin, and leaves password resets to the shop's own page."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.groups import EDITORS
from accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough password"
ADMIN_ONLY = (
    "This sign-in is for the store's staff. To sign in to your shopping account, "
    "please use the shop's sign-in page."
)


def test_a_shopper_gets_no_session_from_the_admin_sign_in(client, home_page):
    # Given a shopper who signed up but never confirmed their email address
    shopper = User.objects.create_user("ann@example.com", password=PASSWORD)

    # When they sign in at the admin's sign-in, asking to be sent on to the shop
    response = client.post(
        reverse("wagtailadmin_login") + "?next=/",
        {"username": shopper.email, "password": PASSWORD, "next": "/"},
    )

    # Then they are refused, told where to sign in, and hold no session
    page = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert [error.get_text() for error in page.select(".messages .error")] == [ADMIN_ONLY]
    assert page.find("a", string="Go to the shop's sign-in page")["href"] == reverse(
        "account_login"
    )
    assert "_auth_user_id" not in client.session


def test_staff_sign_in_at_the_admin(client):
    # Given an editor
    editor = User.objects.create_user("ed@example.com", password=PASSWORD)
    editor.groups.add(Group.objects.get(name=EDITORS))

    # When they sign in at the admin
    response = client.post(
        reverse("wagtailadmin_login"), {"username": editor.email, "password": PASSWORD}
    )

    # Then they are in
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_wagtails_password_reset_is_off_in_favour_of_the_shops(client):
    # When someone asks Wagtail's own password reset for a link
    response = client.post(reverse("wagtailadmin_password_reset"), {"email": "ed@example.com"})

    # Then there is no such page
    assert response.status_code == 404

    # And the admin's sign-in sends forgotten passwords to the shop's reset page
    page = client.get(reverse("wagtailadmin_login")).content.decode()
    assert f'href="{reverse("account_reset_password")}"' in page
    assert reverse("wagtailadmin_password_reset") not in page
