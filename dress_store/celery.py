"""The Celery app: `celery -A dress_store worker` and `celery -A dress_store beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dress_store.settings.production")

app = Celery("dress_store")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
