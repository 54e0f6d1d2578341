"""Background work every page relies on: scheduled publishing."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from celery import shared_task
from django.core.management import call_command
from django.db import connection

logger = logging.getLogger(__name__)

# Any number of our own, the same on every node: it names the lock below in PostgreSQL.
PUBLISH_SCHEDULED_LOCK = 7_120_011


@shared_task(ignore_result=True)
def publish_scheduled() -> None:
    """Beat, every minute: Wagtail's `publish_scheduled`, which publishes the pages (and
    snippets) whose go-live time has passed and unpublishes those whose expiry has. Its signals
    are those of any publish, so the catalog's version and the header's shell follow.

    One run at a time: with two worker processes, a run queued while another is still going
    would publish the same revisions twice (twice the signals, twice the history)."""
    with only_one_at_a_time(PUBLISH_SCHEDULED_LOCK) as mine:
        if mine:
            call_command("publish_scheduled")
        else:
            logger.info("publish_scheduled is still running; this minute's run is skipped.")


@contextmanager
def only_one_at_a_time(key: int):
    """Yields whether this process holds PostgreSQL's advisory lock `key` (always True on
    other databases, which only `make run` uses, with no second worker)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        mine = cursor.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
