"""The test suite: PostgreSQL and Redis, real ones (`make test` finds or starts them)."""

import os
import socket

from .base import *  # noqa: F403
from .base import BASE_DIR, env, github_provider, store_caches


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/dress_store"),
}
# Database 1, and under pytest-xdist one database after it per worker (gw0: 2, gw1: 3), as the
# deployed stacks the tests start use the database unprefixed, as production does; a prefix per
# worker besides: tests clear their own keys and no one else's. The limits share the server
# (tests fill no cache to its ceiling).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/1")
if WORKER.startswith("gw"):
    base, _, number = REDIS_URL.rpartition("/")
    REDIS_URL = f"{base}/{int(number or 0) + 1 + int(WORKER[2:])}"
REDIS_LIMITS_URL = env("REDIS_LIMITS_URL", default=REDIS_URL)
CACHES = store_caches(cache_url=REDIS_URL, limits_url=REDIS_LIMITS_URL, prefix=f"test-{WORKER}-")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail goes to Django's outbox, unless a test's Celery worker is given an SMTP server.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="memorymail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = "The Dress Store <shop@example.com>"

# Tasks run in the test's own process unless a test starts a real worker; each pytest-xdist
# worker has a queue of its own on the shared Redis.
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_DEFAULT_QUEUE = f"test-{WORKER}"

# The GitHub stand-in listens on a port fixed when settings load: allauth's GitHub adapter
# reads GITHUB_URL once, at import.
GITHUB_STANDIN_PORT = env.int("GITHUB_STANDIN_PORT", default=0) or free_port()
GITHUB_URL = f"http://127.0.0.1:{GITHUB_STANDIN_PORT}"
GITHUB_CLIENT_ID = "standin-client-id"
GITHUB_CLIENT_SECRET = "standin-client-secret"  # noqa: S105
SOCIALACCOUNT_PROVIDERS = {
    "github": github_provider(GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, GITHUB_URL)
}
# One folder per pytest-xdist worker: each removes its own when it ends.
MEDIA_ROOT = BASE_DIR / ".test-media" / WORKER
SERVE_MEDIA = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The Stripe stand-in's address is set per test by the `stripe` fixture.
STRIPE_SECRET_KEY = "sk_test_suite"  # noqa: S105
STRIPE_WEBHOOK_SECRET = "whsec_test_suite"  # noqa: S105
STRIPE_API_BASE = "http://127.0.0.1:1"
