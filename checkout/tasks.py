from celery import shared_task

from . import services


@shared_task
def reconcile_pending_orders() -> dict:
    """Beat: settle orders whose payment window passed without a word from Stripe."""
    return services.reconcile_pending()
