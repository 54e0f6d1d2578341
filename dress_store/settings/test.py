"""The test suite: PostgreSQL and Redis, real ones (`make test` finds or starts them)."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, env, redis_cache

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/dress_store"),
}
# Database 1, and a prefix per pytest-xdist worker: tests clear their own keys and no one else's.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/1")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
CACHES = {
    "default": redis_cache(REDIS_URL, f"test-{WORKER}"),
    "renditions": redis_cache(REDIS_URL, f"test-{WORKER}-renditions"),
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "The Dress Store <shop@example.com>"
MEDIA_ROOT = BASE_DIR / ".test-media"
SERVE_MEDIA = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
