"""A new shopper in Chromium: sign up, read the mail, confirm, sign in, fill in the profile."""

import re

import pytest

from accounts.models import Address, User
from testing.browser import fill_address, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long and unusual passphrase"


def test_signup_confirm_sign_in_and_keep_a_profile(
    live_server, browser_page, home_page, celery_worker
):
    page, smtp = browser_page, celery_worker.smtp

    # Sign up
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Email").fill("zoe@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm your email address"

    # Read the mail the worker sent, and follow its link
    [message] = smtp.wait_for(1)
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", text).group(0)
    page.goto(live_server.url + "/" + link.split("/", 3)[3])
    page.get_by_role("button", name="Confirm").click()

    # Sign in (signing out first, to prove the password works)
    page.goto(live_server.url + "/accounts/profile/")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "zoe@example.com", PASSWORD)

    # Edit the profile
    page.get_by_label("First name").fill("Zoe")
    page.get_by_label("Last name").fill("Tailor")
    page.get_by_label("Phone").fill("+1 503 555 0199")
    page.get_by_role("button", name="Save profile").click()
    assert "Your profile is saved." in page.locator(".messages").inner_text()

    # Add an address
    page.get_by_role("link", name="Add an address").click()
    fill_address(
        page, full_name="Zoe Tailor", line1="12 Seam Street", postcode="97201", city="Portland",
        country="US",
    )  # fmt: skip
    page.get_by_role("button", name="Save address").click()
    assert "12 Seam Street" in page.locator(".address-list").inner_text()
    assert "Default for shipping" in page.locator(".address-list").text_content()

    user = User.objects.get(email="zoe@example.com")
    assert (user.first_name, user.last_name) == ("Zoe", "Tailor")
    address = Address.objects.get(user=user)
    assert (address.full_name, address.line1, address.postcode, address.city) == (
        "Zoe Tailor",
        "12 Seam Street",
        "97201",
        "Portland",
    )
    assert (address.country, address.is_default) == ("US", True)
