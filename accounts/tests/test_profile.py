"""The profile, the address book, account deletion: each shopper sees and changes only their own."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Address, User
from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


def address_data(**overrides) -> dict:
    """The address form as a shopper fills it in."""
    return {
        "full_name": "Ann Shopper",
        "line1": "1 Linen Lane",
        "line2": "",
        "city": "Portland",
        "region": "OR",
        "postcode": "97201",
        "country": "US",
        "phone": "+1 503 555 0100",
        **overrides,
    }


def picture(fmt="PNG", size=(64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 80, 60)).save(buffer, fmt)
    return buffer.getvalue()


def test_profile_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_edit_profile_with_avatar(client, ann):
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Annie",
            "last_name": "Shopper",
            "phone": "+44 20 7946 0000",
            "marketing_consent": "on",
            "avatar": SimpleUploadedFile("me.png", picture(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    ann.refresh_from_db()
    assert (ann.first_name, ann.phone, ann.marketing_consent) == (
        "Annie",
        "+44 20 7946 0000",
        True,
    )
    assert ann.avatar.name.startswith("avatars/")
    assert "me" not in ann.avatar.name  # the file's name does not reveal whose it is


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("big.png", b"0" * (2 * 1024 * 1024 + 1), content_type="image/png"),
            "2 MB or less",
        ),
        (
            SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png"),
            "Upload a valid image",
        ),
        (
            SimpleUploadedFile("anim.gif", picture("GIF"), content_type="image/gif"),
            "JPEG, PNG or WebP",
        ),
    ],
    ids=["too-large", "not-an-image", "gif"],
)
def test_bad_avatars_are_refused_with_a_reason(client, ann, upload, message):
    response = client.post(reverse("accounts:profile"), {"first_name": "Ann", "avatar": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    ann.refresh_from_db()
    assert not ann.avatar


def test_bad_phone_is_explained(client, ann):
    response = client.post(
        reverse("accounts:profile"), {"first_name": "Ann", "phone": "call me maybe"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "phone": ["Enter a phone number with digits, spaces and an optional leading +."]
    }
    ann.refresh_from_db()
    assert ann.phone == ""


def test_address_book_keeps_one_default(client, ann):
    def book() -> list[tuple[str, bool]]:
        return list(ann.addresses.order_by("created_at").values_list("full_name", "is_default"))

    # When Ann adds her home (her first address), then her work as the default, then her mum's
    client.post(reverse("accounts:address_add"), address_data(full_name="Home"))
    client.post(reverse("accounts:address_add"), address_data(full_name="Work", is_default="on"))
    client.post(reverse("accounts:address_add"), address_data(full_name="Mum's"))

    # Then work is the one default
    assert book() == [("Home", False), ("Work", True), ("Mum's", False)]

    # When she makes her mum's the default, it is the only one
    mums = Address.objects.get(full_name="Mum's")
    client.post(reverse("accounts:address_default", args=[mums.pk]))
    assert book() == [("Home", False), ("Work", False), ("Mum's", True)]

    # When she deletes it, the newest address left takes over
    client.post(reverse("accounts:address_delete", args=[mums.pk]))
    assert book() == [("Home", False), ("Work", True)]


def test_a_bad_address_is_explained_and_nothing_is_saved(client, ann):
    response = client.post(reverse("accounts:address_add"), address_data(postcode="", country="XX"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "This field is required." in text
    assert "Select a valid choice. XX is not one of the available choices." in text
    assert not Address.objects.exists()


def test_another_shoppers_address_answers_404(client, ann):
    theirs = AddressFactory(user=UserFactory(email="bob@example.com"), line1="7 Bob Street")

    assert client.get(reverse("accounts:address_edit", args=[theirs.pk])).status_code == 404
    assert (
        client.post(
            reverse("accounts:address_edit", args=[theirs.pk]), address_data(city="Hacked")
        ).status_code
        == 404
    )
    assert client.post(reverse("accounts:address_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("accounts:address_default", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.city == "Portland"
    # and their address is nowhere on our profile
    profile = soup_of(client.get(reverse("accounts:profile"))).get_text()
    assert "bob@example.com" not in profile
    assert "7 Bob Street" not in profile
    assert ann.addresses.count() == 0


def test_delete_account_needs_the_password_and_removes_personal_data(client, ann):
    AddressFactory(user=ann)

    response = client.post(reverse("accounts:delete"), {"confirmation": "wrong password"})
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=ann.pk).exists()

    response = client.post(reverse("accounts:delete"), {"confirmation": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=ann.pk).exists()
    assert not Address.objects.exists()
    assert not EmailAddress.objects.filter(email="ann@example.com").exists()
    assert "_auth_user_id" not in client.session


def test_resend_confirmation_says_the_same_whoever_asks(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="waiting@example.com", confirmed=False)

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(
            reverse("accounts:resend_confirmation"), {"email": "waiting@example.com"}, follow=True
        )
        unknown = client.post(
            reverse("accounts:resend_confirmation"), {"email": "nobody@example.com"}, follow=True
        )

    notice = (
        "If an account with that address is waiting for confirmation, a new link is on its way."
    )
    assert notice in known.content.decode()
    assert notice in unknown.content.decode()
    assert [message.to for message in mailoutbox] == [["waiting@example.com"]]
    assert "/accounts/confirm-email/" in mailoutbox[0].body
