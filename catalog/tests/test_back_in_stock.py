"""Asking for "Email me when it's back": every sold-out size and colour offers it on the product
page (one form for everybody, the page stays cacheable); a signed-in shopper subscribes in one
click, a guest by email confirmed through a signed link; one person is one subscription; the
form is refused from other sites and limited per client address and per mailbox."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from catalog.models import StockAlert
from catalog.tests.factories import StockAlertFactory
from catalog.tests.helpers import ask_for_alert, link_in, mails
from testing.pages import soup_of

pytestmark = pytest.mark.django_db
S = StockAlert.Status


@pytest.fixture
def product(make_product):
    """M black in stock; M ivory and L black sold out."""
    return make_product(
        title="Wrap Dress", stock={("M", "Black"): 3, ("M", "Ivory"): 0, ("L", "Black"): 0}
    )


@pytest.fixture
def sold_out(product):
    return product.variants.get(size__name="M", colour__name="Ivory")


def messages_of(client) -> list[str]:
    """The messages the next page shows (read, as the page would, once)."""
    soup = BeautifulSoup(client.get("/basket/").content, "html.parser")
    return [" ".join(node.get_text().split()) for node in soup.select(".message")]


# The product page -------------------------------------------------------------------------------


def test_every_sold_out_size_and_colour_offers_email_me_when_its_back(client, product):
    # When the product page is shown
    soup = soup_of(client.get(product.url))

    # Then each sold-out size and colour, and no other, has its button
    form = soup.select_one("#back-in-stock form")
    assert form["action"] == "/back-in-stock/"
    offered = {
        int(button["value"]): " ".join(button.get_text().split())
        for button in form.select("button[name=variant]")
    }
    by_name = {(v.size.name, v.colour.name): v.pk for v in product.variants.all()}
    assert offered == {
        by_name[("M", "Ivory")]: "Email me when it's back: M, Ivory",
        by_name[("L", "Black")]: "Email me when it's back: L, Black",
    }
    # And a guest's address goes with it, with no per-visitor token: the page is cached for all
    assert form.select_one("input[name=email]")["type"] == "email"
    assert form.select_one("input[name=csrfmiddlewaretoken]") is None
    # And Enter in the email field sends no size: the form's first button is a disabled one
    first = form.select_one("button")
    assert "disabled" in first.attrs
    assert first.get("name") is None


def test_a_product_sold_out_everywhere_offers_the_alert_for_each_size(client, make_product):
    product = make_product(stock={("M", "Black"): 0, ("S", "Ivory"): 0})
    soup = soup_of(client.get(product.url))
    assert soup.select_one("form.add-to-basket") is None
    assert len(soup.select("#back-in-stock button[name=variant]")) == 2


def test_a_product_in_stock_everywhere_offers_no_alert(client, make_product):
    product = make_product(stock={("M", "Black"): 2})
    assert soup_of(client.get(product.url)).select_one("#back-in-stock") is None


# Signed in: one click -----------------------------------------------------------------------------


def test_a_signed_in_shopper_subscribes_in_one_click(client, ann, sold_out):
    # When Ann presses the button, giving no address
    response = ask_for_alert(client, sold_out)

    # Then her account's address waits for M ivory, confirmed, and she is back on the product
    alert = StockAlert.objects.get()
    assert (alert.variant, alert.user, alert.email, alert.status) == (
        sold_out,
        ann,
        "ann@example.com",
        S.WAITING,
    )
    assert response.status_code == 302
    assert response["Location"] == sold_out.product.url
    assert messages_of(client) == [
        "We will email you at ann@example.com when Wrap Dress in M, Ivory is back. "
        "Your alerts are on your profile."
    ]
    # And no mail asks her to confirm anything
    assert mails("catalog/alert_confirm") == []


def test_the_same_person_subscribing_twice_is_one_subscription(client, ann, sold_out):
    # Given Ann's address asked for as a guest, with a +tag, and not confirmed
    client.logout()
    ask_for_alert(client, sold_out, email="Ann+dresses@Example.com")
    client.force_login(ann)

    # When Ann, signed in, asks twice
    ask_for_alert(client, sold_out)
    ask_for_alert(client, sold_out)

    # Then there is one alert, hers, confirmed by her signing in
    alert = StockAlert.objects.get()
    assert (alert.user, alert.email, alert.mailbox, alert.status) == (
        ann,
        "ann@example.com",
        "ann@example.com",
        S.WAITING,
    )


# Guests: double opt-in ---------------------------------------------------------------------------


def test_a_guest_subscribes_by_email_and_confirms_by_the_link(client, sold_out):
    # When a guest gives an address
    ask_for_alert(client, sold_out, email="gail@example.com")

    # Then the alert is pending, and a mail asks to confirm it
    alert = StockAlert.objects.get()
    assert (alert.user, alert.email, alert.status) == (None, "gail@example.com", S.PENDING)
    assert messages_of(client) == [
        "Please check your inbox: we sent a link to gail@example.com. Confirm it, and we will "
        "email you when Wrap Dress in M, Ivory is back."
    ]
    [mail] = mails("catalog/alert_confirm")
    assert (mail.to, mail.subject) == (
        "gail@example.com",
        "Confirm your alert for Wrap Dress in M, Ivory",
    )
    assert "Confirm my alert" in mail.html_body

    # When the link is opened (as a mail scanner would): a button, and nothing confirmed yet
    link = link_in(mail, "/back-in-stock/confirm/")
    page = soup_of(client.get(link))
    assert page.select_one("main form button").get_text(strip=True) == "Confirm"
    alert.refresh_from_db()
    assert alert.status == S.PENDING

    # When the guest presses Confirm
    soup = soup_of(client.post(link))

    # Then the alert waits for the stock
    alert.refresh_from_db()
    assert (alert.status, alert.confirmed_at is not None) == (S.WAITING, True)
    assert soup.h1.get_text(strip=True) == "You are on the list"


def test_a_guest_asking_twice_with_a_plus_tag_is_one_alert(client, sold_out):
    ask_for_alert(client, sold_out, email="gail@example.com")
    ask_for_alert(client, sold_out, email="Gail+shop@example.com")

    alert = StockAlert.objects.get()
    assert (alert.mailbox, alert.status) == ("gail@example.com", S.PENDING)
    # The link is sent again, to the address as written the second time
    assert [mail.to for mail in mails("catalog/alert_confirm")] == [
        "gail@example.com",
        "Gail+shop@example.com",
    ]


def test_a_confirmed_guest_asking_again_gets_no_mail(client, sold_out):
    StockAlertFactory(variant=sold_out, email="gail@example.com")
    ask_for_alert(client, sold_out, email="gail@example.com")
    assert StockAlert.objects.get().status == S.WAITING
    assert mails("catalog/alert_confirm") == []
    # ...and is told what any guest is told: nobody learns who asked before
    assert messages_of(client)[0].startswith("Please check your inbox")


def test_a_link_that_is_too_old_or_altered_confirms_nothing(client, sold_out, settings):
    ask_for_alert(client, sold_out, email="gail@example.com")
    link = link_in(mails("catalog/alert_confirm")[0], "/back-in-stock/confirm/")

    altered = client.post(link[:-3] + "xyz/")
    # Signed links carry the time they were made (django.core.signing reads time.time())
    later = (
        time.time() + timedelta(days=settings.STOCK_ALERT_CONFIRM_DAYS, minutes=1).total_seconds()
    )
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.post(link)

    assert altered.status_code == expired.status_code == 400
    assert "This link is not one of ours" in altered.content.decode()
    assert "This link has expired" in expired.content.decode()
    assert StockAlert.objects.get().status == S.PENDING


def test_confirming_when_it_is_back_already_says_so_and_mails_nothing(client, sold_out):
    ask_for_alert(client, sold_out, email="gail@example.com")
    link = link_in(mails("catalog/alert_confirm")[0], "/back-in-stock/confirm/")
    type(sold_out).objects.filter(pk=sold_out.pk).update(stock=2)

    soup = soup_of(client.post(link))

    assert soup.h1.get_text(strip=True) == "Good news: it is back"
    assert soup.select_one("a.button")["href"] == f"{sold_out.product.url}?size=m&colour=ivory"
    assert StockAlert.objects.get().status == S.NOTIFIED
    assert mails("catalog/back_in_stock") == []


@pytest.mark.parametrize("email", ["", "not an address", "a@" + "b" * 250 + ".com"])
def test_a_guest_without_a_good_address_is_told_what_to_do(client, sold_out, email):
    response = ask_for_alert(client, sold_out, email=email)
    assert response.status_code == 302
    assert messages_of(client) == [
        "Please enter your email address, such as ann@example.com, so that we can tell you "
        "when it is back."
    ]
    assert not StockAlert.objects.exists()


def test_a_size_in_stock_or_not_sold_is_not_subscribed(client, ann, product):
    in_stock = product.variants.get(size__name="M", colour__name="Black")
    ask_for_alert(client, in_stock)
    client.post(
        reverse("catalog:alert_subscribe"), {"variant": "999999999"}, HTTP_SEC_FETCH_SITE="none"
    )
    client.post(reverse("catalog:alert_subscribe"), {"variant": "x"}, HTTP_SEC_FETCH_SITE="none")
    assert messages_of(client) == [
        "Wrap Dress in M, Black is in stock: add it to your basket.",
        "That size and colour is no longer sold. Please choose another.",
        "Please choose a size and colour.",
    ]
    assert not StockAlert.objects.exists()


# Where the form comes from, and how often ------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},  # says nothing of where it comes from
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_REFERER": "https://evil.example/shop/"},
    ],
)
def test_a_post_from_another_site_subscribes_nobody(client, ann, sold_out, headers):
    response = client.post(reverse("catalog:alert_subscribe"), {"variant": sold_out.pk}, **headers)
    assert response.status_code == 403
    assert "we could not tell that the request came from one of our pages" in (
        response.content.decode()
    )
    assert not StockAlert.objects.exists()


def test_guests_are_limited_per_client_address(client, make_product, settings):
    settings.STOCK_ALERT_LIMITS = {"ip": (2, 3600), "mailbox": (5, 3600)}
    product = make_product(stock={("S", "Black"): 0, ("M", "Black"): 0, ("L", "Black"): 0})
    small, medium, large = product.variants.order_by("size__sort_order")

    ask_for_alert(client, small, email="one@example.com")
    ask_for_alert(client, medium, email="two@example.com")
    ask_for_alert(client, large, email="three@example.com")

    assert [mail.to for mail in mails("catalog/alert_confirm")] == [
        "one@example.com",
        "two@example.com",
    ]
    assert messages_of(client)[-1] == (
        "We have sent too many confirmation links from here or to this address. "
        "Please try again in an hour."
    )
    assert StockAlert.objects.count() == 2


def test_guests_are_limited_per_mailbox_whatever_the_tag_or_client(client, make_product, settings):
    settings.STOCK_ALERT_LIMITS = {"ip": (50, 3600), "mailbox": (2, 3600)}
    product = make_product(stock={("S", "Black"): 0, ("M", "Black"): 0, ("L", "Black"): 0})
    small, medium, large = product.variants.order_by("size__sort_order")

    ask_for_alert(client, small, email="gail@example.com", REMOTE_ADDR="10.0.0.1")
    ask_for_alert(client, medium, email="gail+a@example.com", REMOTE_ADDR="10.0.0.2")
    ask_for_alert(client, large, email="GAIL+b@example.com", REMOTE_ADDR="10.0.0.3")

    assert len(mails("catalog/alert_confirm")) == 2
    assert StockAlert.objects.count() == 2


def test_a_made_up_forwarded_for_is_not_a_new_client(client, make_product, settings):
    settings.STOCK_ALERT_LIMITS = {"ip": (1, 3600), "mailbox": (5, 3600)}
    product = make_product(stock={("S", "Black"): 0, ("M", "Black"): 0})
    small, medium = product.variants.order_by("size__sort_order")

    ask_for_alert(client, small, email="one@example.com", HTTP_X_FORWARDED_FOR="1.1.1.1")
    ask_for_alert(client, medium, email="two@example.com", HTTP_X_FORWARDED_FOR="2.2.2.2")

    assert len(mails("catalog/alert_confirm")) == 1
