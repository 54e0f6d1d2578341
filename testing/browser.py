"""Steps in Chromium (Playwright pages) that several apps' browser tests take: a shopper's, a
staff member's in the admin."""

from __future__ import annotations

import os
from pathlib import Path


def sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in on the shop's sign-in page, which leads to the profile."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/accounts/profile/")


def add_to_basket(page, base_url: str, product) -> None:
    """Choose the product's first size and colour in stock and add it; the basket page shows."""
    page.goto(base_url + product.url)
    page.locator(".picker__option:not(.picker__option--sold-out)").first.click()
    page.get_by_role("button", name="Add to basket").click()
    page.wait_for_url("**/basket/")


def fill_address(
    page, *, full_name: str, line1: str, postcode: str, city: str, country: str | None = None
) -> None:
    """Fill in the postal fields, which the address book and checkout share."""
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("Address", exact=True).fill(line1)
    page.get_by_label("Postcode or ZIP").fill(postcode)
    page.get_by_label("City").fill(city)
    if country is not None:
        page.get_by_label("Country").select_option(country)


def sign_in_to_admin(page, base_url: str, email: str, password: str) -> None:
    """Sign in on the Wagtail admin's own sign-in page, which leads to the dashboard."""
    page.goto(base_url + "/admin/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/admin/")


def screenshot(page, name: str, element=None, *, full_page: bool = True) -> None:
    """Keep a picture of the page (or of one `element` of it) as `<name>.png` in $SCREENSHOT_DIR,
    when it is set: that is how the pictures under docs/screenshots/ are made
    (`SCREENSHOT_DIR=docs/screenshots/admin`). `full_page=False` keeps to the window, for pages
    that a taller window would change (date pickers reopen when the window is resized)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        path = str(Path(folder) / f"{name}.png")
        if element is not None:
            element.screenshot(path=path)
        else:
            page.screenshot(path=path, full_page=full_page)
