"""What the storefront's tests share: a run of one of beat's periodic tasks."""

from django.conf import settings

from dress_store.celery import app


def run_beat_entry(name: str) -> None:
    """What a worker does when beat queues the schedule's entry `name`."""
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    app.loader.import_default_modules()
    app.tasks[entry["task"]].apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
