"""When a variant's stock goes from 0 to more by any path (the Stock view, the variant grid, an
expired or cancelled order, a refund's restock), every waiting subscriber gets one mail, after
the commit, linking to the product with their size and colour chosen and to a page that stops
their alerts signed out. A bounce 0 → 2 → 0 → 1 mails nobody twice."""

import threading
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from catalog import alerts
from catalog.models import ProductVariant, StockAlert
from catalog.stock import adjust_stock, release
from catalog.tasks import send_due_alerts
from catalog.tests.factories import StockAlertFactory
from catalog.tests.helpers import link_in, mails
from checkout import refunds, services
from checkout.models import OrderLine, PaymentStatus
from checkout.tests.factories import OrderFactory, RefundFactory
from testing.pages import soup_of

pytestmark = pytest.mark.django_db
S = StockAlert.Status


@pytest.fixture
def sold_out(make_product):
    """Wrap Dress in M ivory, sold out (M black has 3)."""
    product = make_product(title="Wrap Dress", stock={("M", "Ivory"): 0, ("M", "Black"): 3})
    return product.variants.get(colour__name="Ivory")


def restock(variant, change: int = 2) -> None:
    adjust_stock(variant_id=variant.pk, change=change)


def test_a_restock_from_zero_mails_every_waiting_subscriber_once_after_the_commit(
    sold_out, django_capture_on_commit_callbacks
):
    # Given two confirmed alerts, one guest's still unconfirmed, and one for another variant
    ann = StockAlertFactory(variant=sold_out, email="ann@example.com")
    bob = StockAlertFactory(variant=sold_out, email="bob@example.com")
    pending = StockAlertFactory(variant=sold_out, email="gail@example.com", status=S.PENDING)
    other = StockAlertFactory(
        variant=sold_out.product.variants.get(colour__name="Black"), email="olga@example.com"
    )

    # When 2 pieces come in, nothing is mailed until the move commits
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        restock(sold_out)
        assert mails("catalog/back_in_stock") == []

    # Then each waiting subscriber has one mail, in both parts, and their alert is done
    assert callbacks
    sent = mails("catalog/back_in_stock")
    assert sorted(mail.to for mail in sent) == ["ann@example.com", "bob@example.com"]
    assert sent[0].subject == "Back in stock: Wrap Dress in M, Ivory"
    assert "Shop it in your size" in sent[0].html_body
    for alert in (ann, bob, pending, other):
        alert.refresh_from_db()
    assert [ann.status, bob.status, pending.status, other.status] == [
        S.NOTIFIED,
        S.NOTIFIED,
        S.PENDING,
        S.WAITING,
    ]
    assert ann.notified_at is not None


def test_a_bounce_from_zero_to_two_to_zero_to_one_mails_nobody_twice(
    sold_out, django_capture_on_commit_callbacks
):
    StockAlertFactory(variant=sold_out, email="ann@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        restock(sold_out, 2)
    with django_capture_on_commit_callbacks(execute=True):
        restock(sold_out, -2)
    with django_capture_on_commit_callbacks(execute=True):
        restock(sold_out, 1)

    assert [mail.to for mail in mails("catalog/back_in_stock")] == ["ann@example.com"]
    assert StockAlert.objects.get().status == S.NOTIFIED


def test_a_new_alert_after_the_mail_is_mailed_at_the_next_restock(
    sold_out, django_capture_on_commit_callbacks
):
    StockAlertFactory(variant=sold_out, email="ann@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        restock(sold_out, 1)
    restock(sold_out, -1)

    # When Ann asks again, and it comes back again
    StockAlertFactory(variant=sold_out, email="ann@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        restock(sold_out, 1)

    assert [mail.to for mail in mails("catalog/back_in_stock")] == [
        "ann@example.com",
        "ann@example.com",
    ]


def test_stock_growing_from_more_than_zero_mails_nobody(
    sold_out, django_capture_on_commit_callbacks
):
    # Given stock that is back already, and an alert that waits anyway (a lost task, say)
    ProductVariant.objects.filter(pk=sold_out.pk).update(stock=1)
    StockAlertFactory(variant=sold_out, email="ann@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        restock(sold_out, 5)
        release({sold_out.pk: 1})

    assert mails("catalog/back_in_stock") == []


def test_a_product_taken_off_sale_mails_nobody_until_it_is_back(
    sold_out, django_capture_on_commit_callbacks
):
    StockAlertFactory(variant=sold_out, email="ann@example.com")
    sold_out.product.unpublish()

    with django_capture_on_commit_callbacks(execute=True):
        restock(sold_out, 2)
    assert mails("catalog/back_in_stock") == []

    # Published again (its stock there already), beat's sweep sends it
    sold_out.product.save_revision().publish()
    assert send_due_alerts() == 1
    assert [mail.to for mail in mails("catalog/back_in_stock")] == ["ann@example.com"]


# Every path that adds stock ---------------------------------------------------------------------


@pytest.fixture
def merchandiser_client(client, staff):
    client.force_login(staff["merchandiser"])
    return client


def through_the_stock_view(client, variant):
    edit = reverse("stock:edit", args=[variant.pk])
    assert client.post(edit, {"stock": "4", "stock_shown": "0"}).status_code == 302


def through_the_variant_grid(client, variant):
    grid = reverse("catalog_variant_grid", args=[variant.product_id])
    data = querydict_from_html(client.get(grid).content.decode(), form_id="variant-grid-form")
    data[f"c{variant.size_id}_{variant.colour_id}_stock"] = "4"
    assert client.post(grid, data).status_code == 302


def through_an_expired_order(client, variant):
    order = OrderFactory(
        payment_status=PaymentStatus.PENDING, lines=[{"variant": variant, "quantity": 2}]
    )
    services.abandon(order.pk, to=PaymentStatus.EXPIRED, note="Expired.")


def through_a_refund_that_restocks(client, variant):
    order = OrderFactory(lines=[{"variant": variant, "quantity": 2}])
    refund = RefundFactory(order=order, amount=Decimal("80.00"))
    line = OrderLine.objects.get(order=order)
    refunds.restock_lines(refund.pk, {line.pk: 2})


@pytest.mark.parametrize(
    "path",
    [
        through_the_stock_view,
        through_the_variant_grid,
        through_an_expired_order,
        through_a_refund_that_restocks,
    ],
)
def test_every_path_that_brings_stock_back_mails_the_waiting(
    merchandiser_client, sold_out, path, django_capture_on_commit_callbacks
):
    StockAlertFactory(variant=sold_out, email="ann@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        path(merchandiser_client, sold_out)

    sold_out.refresh_from_db()
    assert sold_out.stock > 0
    assert [mail.to for mail in mails("catalog/back_in_stock")] == ["ann@example.com"]


# The mail's links, signed out -------------------------------------------------------------------


def test_the_mail_links_to_the_size_and_colour_and_stops_alerts_signed_out(
    client, make_product, django_capture_on_commit_callbacks
):
    # Given Ann waits for M ivory, and for S black of another dress
    product = make_product(title="Wrap Dress", stock={("M", "Ivory"): 0, ("M", "Black"): 3})
    other = make_product(title="Slip Dress", stock={("S", "Black"): 0}).variants.get()
    ivory = product.variants.get(colour__name="Ivory")
    StockAlertFactory(variant=ivory, email="ann+shop@example.com", mailbox="ann@example.com")
    StockAlertFactory(variant=other, email="ann@example.com")
    StockAlertFactory(variant=other, email="bob@example.com")

    # When M ivory comes back
    with django_capture_on_commit_callbacks(execute=True):
        restock(ivory, 2)
    [mail] = mails("catalog/back_in_stock")
    assert mail.to == "ann+shop@example.com"

    # Then its link opens the product with M ivory chosen, for anyone
    soup = soup_of(client.get(link_in(mail, product.url)))
    checked = soup.select("input[name=variant][checked]")
    assert [int(radio["value"]) for radio in checked] == [ivory.pk]

    # And its other link stops Ann's other alerts, signed out, once she presses the button
    stop = link_in(mail, "/back-in-stock/stop/")
    page = soup_of(client.get(stop))
    assert "ann@example.com" in page.select_one(".lead").get_text()
    assert StockAlert.objects.filter(variant=other).count() == 2
    done = soup_of(client.post(stop))
    assert done.h1.get_text(strip=True) == "Your alerts are stopped"
    assert list(StockAlert.objects.filter(variant=other).values_list("email", flat=True)) == [
        "bob@example.com"
    ]
    # An altered link stops nothing
    assert client.post(stop[:-4] + "abc/").status_code == 400


def test_the_mail_offers_a_one_click_unsubscribe_to_mail_programs(
    sold_out, django_capture_on_commit_callbacks, mailoutbox
):
    # Given Ann waits for a sold-out size, and it comes back
    StockAlertFactory(variant=sold_out, email="ann@example.com")
    StockAlertFactory(variant=sold_out, email="bob@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        restock(sold_out, 2)
    sent = {message.to[0]: message for message in mailoutbox}

    # Then her mail program is told where to stop her alerts in one click (RFC 8058)
    headers = sent["ann@example.com"].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop_url = headers["List-Unsubscribe"].strip("<>")
    assert urlsplit(stop_url).path == link_in(mails("catalog/back_in_stock")[0], "/back-in-stock/")

    # When it posts there, with no cookie and no CSRF token, as mail programs do
    StockAlertFactory(variant=sold_out, email="ann@example.com")
    StockAlertFactory(variant=sold_out, email="bob@example.com")
    one_click = Client(enforce_csrf_checks=True).post(
        stop_url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    # Then her alerts stop, and nobody else's
    assert one_click.status_code == 200
    assert list(
        StockAlert.objects.filter(status=StockAlert.Status.WAITING).values_list("email", flat=True)
    ) == ["bob@example.com"]


def test_alerts_whose_task_was_lost_are_sent_by_beat(sold_out, django_capture_on_commit_callbacks):
    # Given a restock whose task never ran (Redis was down when it was queued)
    StockAlertFactory(variant=sold_out, email="ann@example.com")
    with django_capture_on_commit_callbacks(execute=False):
        restock(sold_out, 2)
    assert mails("catalog/back_in_stock") == []

    # When beat's sweep runs, twice
    assert send_due_alerts() == 1
    assert send_due_alerts() == 0

    # Then the mail went, once
    assert [mail.to for mail in mails("catalog/back_in_stock")] == ["ann@example.com"]


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_mail_each_alert_once(make_product):
    # Given 30 waiting alerts of a variant back in stock (its task and beat's sweep both run)
    variant = make_product(stock={("M", "Black"): 0}).variants.get()
    for number in range(30):
        StockAlertFactory(variant=variant, email=f"shopper{number}@example.com")
    ProductVariant.objects.filter(pk=variant.pk).update(stock=3)
    start = threading.Barrier(2)
    sent = []

    def sender():
        try:
            start.wait()
            sent.append(alerts.send_alerts(variant_ids=[variant.pk]))
        finally:
            close_old_connections()

    # When two senders run at once, each in its own connection
    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then every alert was mailed exactly once, between them
    assert sum(sent) == 30
    assert len(mails("catalog/back_in_stock")) == 30
    assert len({mail.to for mail in mails("catalog/back_in_stock")}) == 30
