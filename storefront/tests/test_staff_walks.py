"""The staff's store, walked in Chromium through the Wagtail admin as each role would (issue 11's
"Done means"): an editor builds a campaign page and schedules it, and it goes live on time; a
merchandiser adds a 3 × 2 product through the grid, imports stock (a bad row first), ships an
order and refunds one line of it.

These walks also take the staff guide's screenshots (docs/staff-guide.md): retake them all with

    SCREENSHOT_DIR=docs/screenshots/admin scripts/run-tests.sh storefront/tests/test_staff_walks.py
"""

from __future__ import annotations

import io
import os
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.images import ImageFile
from django.utils import timezone

from accounts.tests.factories import PASSWORD
from catalog.models import ProductPage, ProductVariant, StockImport
from catalog.tasks import warm_product_pictures
from catalog.tests.factories import ImageFactory, jpeg_bytes
from catalog.tests.helpers import csv_bytes
from checkout.models import FulfilmentStatus, Order, PaymentStatus
from checkout.tests.helpers import check_out, fill_basket, pay
from home.models import LandingPage
from returns import services as returns
from storefront.tests.helpers import run_beat_entry
from testing.browser import screenshot, sign_in_to_admin
from testing.clock import later_by

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_autosave(settings):
    # Wagtail's autosave posts the editor's form in the background; a save landing while
    # Playwright clicks Publish can swap the form under the click.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0


@pytest.fixture
def staff(staff):
    """The staff, named as the guide's pictures show them."""
    for user, first, last in [
        (staff["editor"], "Eve", "Editor"),
        (staff["merchandiser"], "Max", "Merchant"),
    ]:
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    return staff


def photo(colour: tuple[int, int, int], name: str):
    return ImageFactory(
        title=name,
        file=ImageFile(io.BytesIO(jpeg_bytes(colour=colour)), name=f"{name.lower()}.jpg"),
    )


def shot(page, name: str, element=None, *, full_page: bool = True) -> None:
    """The guide's screenshot `guide-<name>.png`, of the page (or of one part of it), once the
    menus that fade in have."""
    if os.environ.get("SCREENSHOT_DIR"):
        page.wait_for_timeout(400)
    screenshot(page, f"guide-{name}", element=element, full_page=full_page)


# The editor --------------------------------------------------------------------------------------


def test_editor_builds_and_schedules_a_campaign_page(
    live_server, browser_page, staff, home_page, make_product
):
    # Given two dresses in the shop, and a summer photo in the image library
    wrap = make_product(title="Linen Wrap Dress", image=photo((176, 112, 86), "Wrap"))
    slip = make_product(title="Silk Slip Dress", image=photo((222, 205, 180), "Slip"))
    for product in (wrap, slip):
        warm_product_pictures(product.pk)
    photo((90, 140, 170), "Summer beach")
    page = browser_page
    sign_in_to_admin(page, live_server.url, staff["editor"].email, PASSWORD)
    shot(page, "dashboard")

    # When the editor looks for help, the staff guide is under Help
    page.get_by_role("button", name="Help").click()
    shot(page, "help-menu")
    page.get_by_role("link", name="Staff guide", exact=True).click()
    page.wait_for_url("**/admin/staff-guide/")
    assert page.get_by_role("heading", name="Build a campaign page").is_visible()

    # When the editor adds a landing page under the home page
    page.goto(f"{live_server.url}/admin/pages/{home_page.pk}/")
    shot(page, "pages-home")
    page.goto(f"{live_server.url}/admin/pages/{home_page.pk}/add_subpage/")
    page.wait_for_url("**/add/home/landingpage/*/")
    page.locator("#id_title").fill("Summer sale")

    # ... with a hero
    add_block(page, "Hero", shoot="campaign-add-block")
    hero = block(page, 0)
    hero.get_by_role("button", name="Choose an image").click()
    page.locator(".modal-dialog").get_by_role("link", name="Summer beach").click()
    page.locator(".modal-dialog").wait_for(state="detached")
    hero.get_by_label("Image alt text").fill("A beach at noon")
    hero.get_by_label("Heading").fill("Summer sale: linen for the heat")
    hero.get_by_label("Text", exact=True).fill("Up to 30 % off dresses until Sunday.")
    page.locator("#id_title").scroll_into_view_if_needed()
    shot(page, "campaign-hero")
    # ... some text
    add_block(page, "Text")
    text = block(page, 1)
    text.locator("[contenteditable=true]").fill("Light, breathable and cut to move in.")
    # ... and two picked dresses
    add_block(page, "Product picks")
    picks = block(page, 2)
    picks.get_by_label("Heading").fill("Our summer picks")
    choose_product(page, picks, "Linen Wrap Dress")
    picks.get_by_role("button", name="Add").last.click()
    choose_product(page, picks, "Silk Slip Dress")
    shot(page, "campaign-picks")

    # ... and schedules it to go live in a minute or two
    # (the field takes whole minutes: two on, seconds dropped, is one to two minutes ahead)
    go_live = (timezone.localtime() + timedelta(minutes=2)).replace(second=0, microsecond=0)
    page.get_by_role("button", name="Toggle status").click()
    page.get_by_role("button", name="Set schedule").click()
    dialog = page.locator("#schedule-publishing-dialog")
    dialog.get_by_label("Go live date/time").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    shot(page, "campaign-schedule", full_page=False)
    # Tab on past the expiry to the dialog's button: each date picker folds away behind.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    dialog.get_by_role("button", name="Save schedule").press("Enter")
    page.get_by_role("button", name="More actions").click()
    shot(page, "campaign-publish")
    page.get_by_role("button", name="Schedule to publish").click()
    page.wait_for_url(f"**/admin/pages/{home_page.pk}/")

    # Then it waits for its time: shoppers do not find it yet
    campaign = LandingPage.objects.get(slug="summer-sale")
    assert (campaign.live, campaign.status_string) == (False, "scheduled")
    shot(page, "campaign-scheduled")
    shopper = page.context.browser.new_context()
    visit = shopper.new_page()
    assert visit.goto(live_server.url + "/summer-sale/").status == 404
    run_beat_entry("publish-scheduled-pages")  # this minute's run: too early
    assert visit.goto(live_server.url + "/summer-sale/").status == 404

    # When beat's minute comes round after the go-live time
    with later_by(timedelta(minutes=3)):
        run_beat_entry("publish-scheduled-pages")

    # Then shoppers see it, with its hero, text and the two dresses
    assert visit.goto(live_server.url + "/summer-sale/").status == 200
    assert visit.locator("h1").first.inner_text() == "Summer sale"
    assert visit.get_by_role("heading", name="Summer sale: linen for the heat").is_visible()
    assert "Light, breathable and cut to move in." in visit.content()
    assert visit.locator(".product-card__title").all_inner_texts() == [
        "Linen Wrap Dress",
        "Silk Slip Dress",
    ]
    shot(visit, "campaign-live")
    shopper.close()
    campaign = LandingPage.objects.get(pk=campaign.pk)
    assert (campaign.live, campaign.status_string) == (True, "live")


def block(page, index: int):
    """The page body's block at `index`."""
    return page.locator("#body-root > div > [data-contentpath]").nth(index)


def add_block(page, label: str, shoot: str = "") -> None:
    """Add a block at the end of the page's body (showing the choice of blocks as `shoot`)."""
    page.locator("[data-contentpath=body]").get_by_role(
        "button", name="Insert a block"
    ).last.click()
    option = page.get_by_role("option", name=label, exact=True)
    if shoot:
        option.wait_for()
        shot(page, shoot)
    option.click()


def choose_product(page, block, title: str) -> None:
    block.get_by_role("button", name="Choose a product").last.click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("link", name=title).click()
    modal.wait_for(state="detached")


# The merchandiser --------------------------------------------------------------------------------


@pytest.fixture
def placed_order(client, make_product, stripe_standin) -> Order:
    """A guest's paid order, not shipped yet: a Wrap Dress (M, black) and a Linen Belt."""
    dress = make_product(title="Wrap Dress", price=Decimal("120.00"))
    belt = make_product(title="Linen Belt", price=Decimal("30.00"), stock={("S", "Ivory"): 4})
    fill_basket(client, dress.variants.get(), 1)
    fill_basket(client, belt.variants.get(), 1)
    assert check_out(client).status_code == 303
    return pay(client, stripe_standin, Order.objects.get())


def upload(name: str, *rows) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": csv_bytes(*rows)}


def test_merchandiser_adds_stocks_ships_and_refunds(
    live_server, browser_page, staff, category, placed_order
):
    page = browser_page
    photo((64, 84, 110), "Poplin navy")
    sign_in_to_admin(page, live_server.url, staff["merchandiser"].email, PASSWORD)

    # When the merchandiser adds a product in Dresses, with its photo and price
    page.goto(f"{live_server.url}/admin/pages/{category.pk}/")
    page.get_by_role("link", name="Add child page").click()
    page.get_by_role("link", name="Product", exact=True).click()
    page.wait_for_url("**/add/catalog/productpage/*/")
    page.locator("#id_title").fill("Poplin Shirt Dress")
    page.locator("#id_summary").fill("A crisp shirt dress in cotton poplin.")
    page.get_by_role("button", name="Choose an image").click()
    page.locator(".modal-dialog").get_by_role("link", name="Poplin navy").click()
    page.locator(".modal-dialog").wait_for(state="detached")
    page.locator("[name='gallery_images-0-alt_text']").fill("The dress in navy, front")
    page.locator("#id_price").fill("95.00")
    shot(page, "product-new")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()

    # Then the grid of sizes and colours comes next; the merchandiser adds two colours and ticks
    # three sizes in each, with their stock
    page.wait_for_url("**/admin/catalog/products/*/variants/")
    page.get_by_role("link", name="Black").click()
    page.get_by_role("link", name="Ivory").click()
    page.wait_for_url("**/variants/?colour=*&colour=*")
    for colour in ("Black", "Ivory"):
        for size in ("S", "M", "L"):
            page.get_by_label(f"Sold in {size} / {colour}").check()
            page.get_by_label(f"Stock of {size} / {colour}").fill("5")
    shot(page, "variant-grid")
    page.get_by_role("button", name="Save sizes, colours and stock").click()
    page.wait_for_load_state()
    assert "Variants saved: 6 added, 6 stock changes." in page.locator(".messages").inner_text()
    product = ProductPage.objects.get(title="Poplin Shirt Dress")
    assert product.live
    skus = dict(product.variants.values_list("sku", "stock"))
    assert sorted(skus) == sorted(
        f"POPLIN-SHIRT-DRESS-{size}-{colour}" for colour in ("BLA", "IVO") for size in "SML"
    )
    assert set(skus.values()) == {5}

    # When they import a stock count with a typo on line 3
    page.goto(live_server.url + "/admin/stock/?q=Poplin")
    shot(page, "stock")
    page.get_by_role("link", name="Import stock").click()
    page.get_by_label("Stock file").set_input_files(
        upload(
            "count.csv",
            ["SKU", "Stock"],
            ["POPLIN-SHIRT-DRESS-S-BLA", "8"],
            ["POPLIN-SHIRT-DRESS-M-BLA", "7O"],
        )
    )
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_load_state()

    # Then line 3 is named with what to fix, and nothing is applied
    errors = page.locator("table", has=page.locator("caption", has_text="Rows that cannot"))
    assert errors.locator("tbody tr").all_inner_texts() == [
        "3\tPOPLIN-SHIRT-DRESS-M-BLA\t7O is not a whole number: give a number such as 12."
    ]
    shot(page, "stock-import-errors")
    assert set(product.variants.values_list("stock", flat=True)) == {5}
    assert not StockImport.objects.exists()

    # When the corrected file is previewed and applied
    page.get_by_label("Stock file").set_input_files(
        upload(
            "count.csv",
            ["SKU", "Stock"],
            ["POPLIN-SHIRT-DRESS-S-BLA", "8"],
            ["POPLIN-SHIRT-DRESS-M-BLA", "7"],
        )
    )
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url("**/admin/stock/imports/preview/*/")
    shot(page, "stock-import-preview")
    page.get_by_role("button", name="Apply 2 changes").click()
    page.wait_for_url("**/admin/stock/imports/inspect/*/")

    # Then the stock is what the file says
    counted = ProductVariant.objects.filter(sku__in=["POPLIN-SHIRT-DRESS-S-BLA",
                                                     "POPLIN-SHIRT-DRESS-M-BLA"])  # fmt: skip
    assert dict(counted.values_list("sku", "stock")) == {
        "POPLIN-SHIRT-DRESS-S-BLA": 8,
        "POPLIN-SHIRT-DRESS-M-BLA": 7,
    }

    # When they ship the order waiting in "Orders to ship"
    order = placed_order
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="Orders to ship").click()
    shot(page, "orders-to-ship")
    page.get_by_role("link", name=order.number).click()
    page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    shot(page, "order-ship")
    page.get_by_role("button", name="Mark shipped and email the customer").click()
    page.wait_for_load_state()

    # ... and refund the belt, putting it back on sale
    page.get_by_role("link", name="Refund…").click()
    belt = order.lines.get(product_title="Linen Belt")
    page.locator(f"#id_refund-{belt.pk}").fill("1")
    page.locator(f"#id_restock-{belt.pk}").fill("1")
    page.get_by_label("Reason").fill("Faulty buckle")
    shot(page, "refund-lines")
    page.get_by_role("button", name="Review the refund").click()
    shot(page, "refund-confirm")
    page.get_by_role("button", name="Refund $30.00 through Stripe").click()
    page.wait_for_url(f"**/admin/orders/inspect/{order.pk}/")

    # Then the order is still shipped, and partly refunded
    heading = page.get_by_role("heading", name=re.compile(f"^Order {order.number}:"))
    assert heading.inner_text() == f"Order {order.number}: Partly refunded · Shipped"
    shot(page, "order-refunded")
    order.refresh_from_db()
    assert (order.payment_status, order.fulfilment_status) == (
        PaymentStatus.PARTLY_REFUNDED,
        FulfilmentStatus.SHIPPED,
    )
    assert order.refunded_total == Decimal("30.00")
    # And the page offers no second "Mark shipped"
    assert page.get_by_role("button", name="Mark shipped and email the customer").count() == 0

    # The guide's last pictures: a discount code, and a return waiting for its pieces
    page.goto(live_server.url + "/admin/discount_codes/new/")
    page.locator("#id_code").fill("SUMMER15")
    page.locator("#id_value").fill("15")
    shot(page, "discount-new")
    dress = order.lines.get(product_title="Wrap Dress")
    ret = returns.request_return(
        order,
        lines=[returns.AskedLine(line_id=dress.pk, quantity=1, reason="too_small",
                                 outcome="refund")],
    )  # fmt: skip
    page.goto(f"{live_server.url}/admin/returns_admin/inspect/{ret.pk}/")
    shot(page, "return")
