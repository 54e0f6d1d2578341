"""WSGI entry point for Gunicorn: `gunicorn dress_store.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dress_store.settings.production")

application = get_wsgi_application()
