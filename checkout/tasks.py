from celery import shared_task

from . import retention, services


@shared_task
def reconcile_pending_orders() -> dict:
    """Beat: settle orders whose payment window passed without a word from Stripe."""
    return services.reconcile_pending()


@shared_task
def purge_abandoned_baskets() -> int:
    """Beat, daily: anonymous baskets untouched for BASKET_KEEP_DAYS go."""
    return retention.purge_abandoned_baskets()


@shared_task
def purge_stripe_events() -> int:
    """Beat, daily: Stripe event ids past STRIPE_EVENT_KEEP_DAYS go."""
    return retention.purge_stripe_events()
