"""The staff guide (docs/staff-guide.md) inside the Wagtail admin: for staff only, linked from the
dashboard and the Help menu, with every picture it shows there and every admin screen it names
reachable (issue 11, item 10)."""

import json
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve, reverse

from accounts.tests.factories import UserFactory
from storefront import staff_guide
from testing.admin import answer
from testing.pages import soup_of

pytestmark = pytest.mark.django_db

GUIDE_URL = "/admin/staff-guide/"


@pytest.mark.parametrize("role", ["editor", "merchandiser"])
def test_the_guide_renders_for_staff(client, staff, role):
    client.force_login(staff[role])

    page = soup_of(client.get(GUIDE_URL))

    assert page.select_one("h1").get_text(strip=True) == "Staff guide"
    # ... and the header's trail ends in it, not in "Home"
    trail = [item.get_text(strip=True) for item in page.select(".w-breadcrumbs li")]
    assert trail[-1] == "Staff guide"
    guide = page.select_one("article.staff-guide")
    assert [h2.get_text() for h2 in guide.select("h2")] == [
        "Contents",
        "Signing in and finding your way",
        "Build a campaign page",
        "Schedule a page to go live, and to come down",
        "Add a product with its sizes and colours",
        "Take stock",
        "Ship an order",
        "Refund an order, piece by piece",
        "Run a discount code",
        "Handle a return",
    ]
    # The contents' links lead to the headings' ids.
    ids = {heading["id"] for heading in guide.select("h2[id], h3[id]")}
    targets = {a["href"][1:] for a in guide.select('a[href^="#"]')}
    assert targets
    assert targets <= ids


def test_anyone_signed_out_is_sent_to_sign_in(client):
    response = client.get(GUIDE_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('wagtailadmin_login')}?next={GUIDE_URL}"


def test_a_shopper_cannot_read_it(client, staff):
    client.force_login(UserFactory(email="ann@example.com"))

    response = client.get(GUIDE_URL, follow=True)

    assert answer(response) == (
        [(f"{reverse('wagtailadmin_login')}?next={GUIDE_URL}", 302)],
        [("error", "You do not have permission to access the admin.")],
    )


def test_every_picture_the_guide_shows_exists_and_is_served(client, staff):
    # Given the pictures the guide's Markdown refers to
    names = staff_guide.screenshots_referenced()
    assert len(names) >= 15
    client.force_login(staff["editor"])

    # Then each is a file under docs/screenshots/admin/, shown in the admin from its own URL
    shown = [img["src"] for img in soup_of(client.get(GUIDE_URL)).select("article img")]
    assert shown == [reverse("staff_guide_screenshot", args=[name]) for name in names]
    for name, src in zip(names, shown, strict=True):
        path = Path(staff_guide.SCREENSHOTS, name)
        assert path.is_file(), name
        response = client.get(src)
        assert response.status_code == 200, name
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == path.read_bytes()


@pytest.mark.parametrize(
    "name",
    [
        "stock-index.png",  # an older picture in the same folder, not the guide's
        "guide-missing.png",
        "..%2F..%2Fstaff-guide.md",
        "guide-..%2F..%2F..%2Fmanage.py",
    ],
)
def test_nothing_but_the_guides_pictures_is_served(client, staff, name):
    client.force_login(staff["editor"])

    response = client.get(f"/admin/staff-guide/screenshots/{name}", follow=True)

    assert response.status_code == 404


def test_every_admin_screen_the_guide_names_is_there(client, staff):
    # Given the admin addresses the guide mentions
    paths = staff_guide.admin_paths_mentioned()
    assert {"/admin/", "/admin/stock/"} <= set(paths)

    # Then each resolves, and opens for the editor or the merchandiser
    for path in paths:
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"The guide names {path}, which is no admin screen.")
        statuses = set()
        for role in ("editor", "merchandiser"):
            client.force_login(staff[role])
            statuses.add(client.get(path).status_code)
        assert 200 in statuses, (path, statuses)


def test_every_menu_the_guide_names_is_in_the_admin_menu(client, staff):
    # The menu items the guide tells staff to choose, as "**Menu › Item**"
    client.force_login(staff["merchandiser"])
    merchandiser = menu_labels(client)
    client.force_login(staff["editor"])
    editor = menu_labels(client)

    for trail in ["Shop › Orders", "Shop › Discount codes", "Catalog › Sizes", "Help › Staff guide",
                  "Reports › Back in stock demand"]:  # fmt: skip
        assert f"**{trail}**" in staff_guide.guide_text(), trail
        assert trail in merchandiser, trail
    assert "Help › Staff guide" in editor
    for item in ("Returns", "Stock"):
        assert item in merchandiser


def menu_labels(client) -> set[str]:
    """The sidebar's items, as "Menu" and "Menu › Item" (Wagtail renders it from JSON)."""
    page = soup_of(client.get(reverse("wagtailadmin_home")))
    props = json.loads(page.select_one("#wagtail-sidebar-props").get_text())
    main = next(m for m in props["modules"] if m["_type"].endswith("MainMenuModule"))
    labels: set[str] = set()

    def walk(items, trail):
        for item in items:
            label = item["_args"][0]["label"]
            labels.add(" › ".join([*trail, label]))
            if len(item["_args"]) > 1 and isinstance(item["_args"][1], list):
                walk(item["_args"][1], [*trail, label])

    walk(main["_args"][0], [])
    return labels


def test_the_dashboard_leads_to_the_guide(client, staff):
    for role in ("editor", "merchandiser"):
        client.force_login(staff[role])

        dashboard = soup_of(client.get(reverse("wagtailadmin_home")))

        panel = dashboard.select_one("section:has(#staff-guide-heading)")
        assert panel.select_one("a")["href"] == GUIDE_URL
        assert panel.select_one("a").get_text(strip=True) == "Read the staff guide"
