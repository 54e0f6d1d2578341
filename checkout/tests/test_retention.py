"""Checkout's data is kept only as long as needed: anonymous baskets nobody touched for
BASKET_KEEP_DAYS (30 days), and Stripe's event ids once Stripe can no longer send them again."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from checkout import basket as baskets
from checkout.models import Basket, BasketLine, StripeEvent

pytestmark = pytest.mark.django_db


def run_beat(entry: str):
    return import_string(settings.CELERY_BEAT_SCHEDULE[entry]["task"]).apply().get()


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def variant(make_product):
    return make_product(stock={("M", "Black"): 5}).variants.get()


def basket_with_a_line(variant, *, untouched_for: int, user=None) -> Basket:
    basket = Basket.objects.create(user=user)
    baskets.add(basket, variant_id=variant.pk, quantity=1)
    Basket.objects.filter(pk=basket.pk).update(updated_at=days_ago(untouched_for))
    BasketLine.objects.filter(basket=basket).update(added_at=days_ago(untouched_for))
    return basket


def test_anonymous_baskets_untouched_for_thirty_days_go(variant):
    # Given anonymous baskets untouched for a month and less, and an old one of an account
    stale = basket_with_a_line(variant, untouched_for=31)
    recent = basket_with_a_line(variant, untouched_for=29)
    changed = basket_with_a_line(variant, untouched_for=40)
    baskets.set_quantity(changed, line_id=changed.lines.get().pk, quantity=2)
    shopper = User.objects.create_user("ann@example.com", password="a long enough password")
    kept_for_account = basket_with_a_line(variant, untouched_for=90, user=shopper)

    # When beat runs the purge
    run_beat("purge-abandoned-baskets")

    # Then only the stale anonymous basket is gone, with its lines
    assert set(Basket.objects.values_list("pk", flat=True)) == {
        recent.pk,
        changed.pk,
        kept_for_account.pk,
    }
    assert not BasketLine.objects.filter(basket_id=stale.pk).exists()


def test_stripe_event_ids_go_once_stripe_can_no_longer_resend_them():
    # Given events handled 31 and 29 days ago (Stripe keeps events for 30 days)
    StripeEvent.objects.create(event_id="evt_old", type="x", received_at=days_ago(31))
    StripeEvent.objects.create(event_id="evt_recent", type="x", received_at=days_ago(29))

    # When beat runs the purge
    run_beat("purge-stripe-events")

    # Then only the recent one is remembered
    assert list(StripeEvent.objects.values_list("event_id", flat=True)) == ["evt_recent"]
