"""Mail is kept only as long as needed: sent mail goes after OUTBOX_KEEP_DAYS (30 days), and a
deleted account's mail at once."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts import services
from accounts.models import User
from mail.models import OutboxMessage

pytestmark = pytest.mark.django_db
State = OutboxMessage.State


def run_beat(entry: str):
    """Run what the beat schedule's `entry` runs, here and now."""
    return import_string(settings.CELERY_BEAT_SCHEDULE[entry]["task"]).apply().get()


def message(to: str, state: str, days_ago: int, subject: str = "") -> OutboxMessage:
    when = timezone.now() - timedelta(days=days_ago)
    row = OutboxMessage.objects.create(
        to=to,
        from_email="shop@example.com",
        subject=subject or f"{state} {days_ago} days ago",
        text_body="Hello",
        state=state,
        sent_at=when if state == State.SENT else None,
    )
    OutboxMessage.objects.filter(pk=row.pk).update(created_at=when)
    return row


def test_sent_and_failed_mail_goes_after_thirty_days():
    # Given mail sent and given up on a month ago and less, and mail still waiting
    message("a@example.com", State.SENT, days_ago=31)
    message("a@example.com", State.FAILED, days_ago=31)
    message("a@example.com", State.SENT, days_ago=29)
    message("a@example.com", State.FAILED, days_ago=29)
    message("a@example.com", State.PENDING, days_ago=31)

    # When beat runs the purge
    run_beat("purge-old-mail")

    # Then what is over thirty days old and done with is gone
    assert sorted(OutboxMessage.objects.values_list("subject", flat=True)) == [
        "failed 29 days ago",
        "pending 31 days ago",
        "sent 29 days ago",
    ]


def test_the_window_is_a_setting(settings):
    settings.OUTBOX_KEEP_DAYS = 7
    message("a@example.com", State.SENT, days_ago=8)
    message("a@example.com", State.SENT, days_ago=6)
    run_beat("purge-old-mail")
    assert list(OutboxMessage.objects.values_list("subject", flat=True)) == ["sent 6 days ago"]


@pytest.mark.parametrize("deletion", ["by the shopper", "in the admin"])
def test_a_deleted_accounts_mail_goes_at_once(deletion):
    # Given a shopper with two addresses, mail waiting for and sent to both, and someone else's
    shopper = User.objects.create_user("ann@example.com", password="a long enough password")
    EmailAddress.objects.create(user=shopper, email="ann@example.com", verified=True, primary=True)
    EmailAddress.objects.create(user=shopper, email="Ann.Work@example.com", verified=True)
    message("ann@example.com", State.PENDING, days_ago=0)
    message("ann.work@example.com", State.PENDING, days_ago=0)
    message("ANN@example.com", State.SENT, days_ago=1)
    message("bob@example.com", State.PENDING, days_ago=0, subject="Bob's")

    # When the account is deleted
    if deletion == "by the shopper":
        services.delete_account(user=shopper)
    else:
        shopper.delete()

    # Then none of its mail is left, and nobody else's is touched
    assert list(OutboxMessage.objects.values_list("subject", flat=True)) == ["Bob's"]
