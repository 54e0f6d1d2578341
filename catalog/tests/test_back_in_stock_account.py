"""A shopper's profile lists their back-in-stock alerts and stops them; deleting the account
removes them, and those asked for its addresses as a guest; what nobody needs any more is
purged."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.services import delete_account
from accounts.tests.factories import UserFactory
from catalog.models import StockAlert
from catalog.tasks import purge_stale_alerts
from catalog.tests.factories import StockAlertFactory
from testing.clock import later_by
from testing.pages import soup_of

pytestmark = pytest.mark.django_db
S = StockAlert.Status


@pytest.fixture
def variants(make_product):
    wrap = make_product(title="Wrap Dress", stock={("M", "Ivory"): 0}).variants.get()
    slip = make_product(title="Slip Dress", stock={("S", "Black"): 0}).variants.get()
    return wrap, slip


def listed(client) -> list[str]:
    soup = soup_of(client.get(reverse("accounts:profile")))
    return [
        " ".join(item.select_one("span").get_text().split())
        for item in soup.select(".alert-list__item")
    ]


def test_the_profile_lists_the_shoppers_alerts_and_stops_one(client, ann, variants):
    # Given Ann's alert, one she confirmed as a guest, her unconfirmed one, and Bob's
    wrap, slip = variants
    mine = StockAlertFactory(variant=wrap, user=ann)
    StockAlertFactory(variant=slip, email="Ann+x@example.com", mailbox="ann@example.com")
    StockAlertFactory(variant=wrap, email="bob@example.com")
    sent = StockAlertFactory(variant=slip, user=ann, status=S.NOTIFIED)
    sent.mailbox = "old@example.com"  # sent long ago, from another address of hers
    sent.save()

    # Then her profile lists her two waiting alerts, each linking to its size and colour
    when = mine.created_at.strftime("%-d %b %Y")
    assert listed(client) == [
        f"Slip Dress S · Black · asked on {when}",
        f"Wrap Dress M · Ivory · asked on {when}",
    ]
    links = soup_of(client.get(reverse("accounts:profile"))).select(".alert-list a")
    assert links[1]["href"] == f"{wrap.product.url}?size=m&colour=ivory"

    # When she stops the Wrap Dress's
    response = client.post(reverse("catalog:alert_cancel", args=[mine.pk]), follow=True)

    # Then it is gone, and she is told so
    assert [str(m) for m in response.context["messages"]] == [
        "The alert is stopped: we will not email you about it."
    ]
    assert listed(client) == [f"Slip Dress S · Black · asked on {when}"]
    assert not StockAlert.objects.filter(pk=mine.pk).exists()


def test_another_shoppers_alert_cannot_be_stopped(client, ann, variants):
    theirs = StockAlertFactory(variant=variants[0], email="bob@example.com")
    response = client.post(reverse("catalog:alert_cancel", args=[theirs.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "That alert is no longer waiting: it was stopped already, or we sent it."
    ]
    assert StockAlert.objects.filter(pk=theirs.pk).exists()


def test_stopping_an_alert_needs_signing_in(client, variants):
    alert = StockAlertFactory(variant=variants[0], email="ann@example.com")
    response = client.post(reverse("catalog:alert_cancel", args=[alert.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert StockAlert.objects.filter(pk=alert.pk).exists()


def test_deleting_the_account_removes_its_alerts(variants):
    # Given Ann's alerts (one sent), a guest's for her address, and Bob's
    wrap, slip = variants
    ann = UserFactory(email="ann@example.com")
    StockAlertFactory(variant=wrap, user=ann)
    StockAlertFactory(variant=slip, user=ann, status=S.NOTIFIED)
    StockAlertFactory(
        variant=slip, email="ann+guest@example.com", mailbox="ann@example.com", status=S.PENDING
    )
    bob = StockAlertFactory(variant=wrap, email="bob@example.com")

    # When her account is deleted
    delete_account(user=ann)

    # Then only Bob's is left
    assert list(StockAlert.objects.all()) == [bob]


def test_unconfirmed_alerts_and_old_sent_ones_are_purged(variants, settings):
    wrap, slip = variants
    waiting = StockAlertFactory(variant=wrap)
    pending = StockAlertFactory(variant=slip, status=S.PENDING)
    sent = StockAlertFactory(variant=slip, status=S.NOTIFIED)
    StockAlert.objects.filter(pk=sent.pk).update(notified_at=sent.created_at)

    # A day after an unconfirmed link expired, nothing sent is old enough yet
    with later_by(timedelta(days=settings.STOCK_ALERT_CONFIRM_DAYS + 1)):
        assert purge_stale_alerts() == 1
    assert not StockAlert.objects.filter(pk=pending.pk).exists()

    # Long after, the sent one goes too; a waiting one never does
    with later_by(timedelta(days=settings.STOCK_ALERT_KEEP_DAYS + 1)):
        assert purge_stale_alerts() == 1
    assert list(StockAlert.objects.all()) == [waiting]
