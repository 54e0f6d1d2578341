"""The store's clock, moved on: what Django and Wagtail read as "now" (`timezone.now()`)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.utils import timezone


@contextmanager
def later_by(delta: timedelta):
    """Within the block, it is `delta` later than it was when the block began; yields that
    moment. The database's clock is left alone: the store's code never asks it the time."""
    moment: datetime = timezone.now() + delta
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment
