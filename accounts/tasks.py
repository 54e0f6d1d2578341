from celery import shared_task

from . import retention


@shared_task
def purge_expired_sessions() -> None:
    """Beat, daily: expired sessions go."""
    retention.purge_expired_sessions()
