from celery import shared_task

from . import retention


@shared_task
def purge_abandoned_saved_lists() -> int:
    """Beat, daily: anonymous saved lists untouched for SAVED_KEEP_DAYS go."""
    return retention.purge_abandoned_saved_lists()
