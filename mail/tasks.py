import logging

from celery import shared_task

from . import retention
from .delivery import Outcome, backoff, deliver_message, due_messages
from .models import OutboxMessage

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None, acks_late=True)
def deliver(self, message_id: int) -> str:
    outcome = deliver_message(message_id)
    if outcome is Outcome.RETRY and not self.request.is_eager:
        attempts = OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message_id)
        raise self.retry(countdown=backoff(attempts).total_seconds())
    return outcome.value


@shared_task
def requeue_unsent() -> int:
    """Beat, every minute: queue again what the queue lost."""
    return sum(queue_delivery(message_id) for message_id in due_messages())


@shared_task
def purge_old_mail() -> int:
    """Beat, daily: sent and failed mail past OUTBOX_KEEP_DAYS goes."""
    return retention.purge_old_mail()


def queue_delivery(message_id: int) -> bool:
    """Hand the message to Celery; False (and a log line) when the broker is unreachable."""
    try:
        deliver.apply_async(args=[message_id], retry=False)
    except Exception:  # kombu raises several kinds; every one means "not queued now".
        logger.warning(
            "Could not queue mail %s; the beat task will retry it.", message_id, exc_info=True
        )
        return False
    return True
