"""Production: every secret comes from the environment and nothing has a default.

The process refuses to start, naming every missing variable at once, rather than run with a
guessed value. Behind Nginx: HTTPS is terminated there and announced with X-Forwarded-Proto.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, env, s3_media, store_caches

REQUIRED_ENVIRONMENT = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "REDIS_LIMITS_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SITE_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
)
missing = [name for name in REQUIRED_ENVIRONMENT if not os.environ.get(name)]
if missing:
    raise ImproperlyConfigured(
        "The production settings need these environment variables, which are not set: "
        + ", ".join(missing)
        + ". See .env.example."
    )

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
# Rotation: the new key goes in DJANGO_SECRET_KEY and the old one here until sessions and
# password-reset links signed with it have expired (deploy/README.md).
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

DATABASES = {"default": env.db("DATABASE_URL")}
# Persistent connections with health checks: a connection per request costs about 9x the
# throughput of a bare view under Gunicorn's sync/gthread workers.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A PostgreSQL that takes connections and never answers (hung, or its host lost) would hold each
# web thread until Nginx gives up, and longer; give up in 5 s and show the 503 page instead
# (DATABASE_URL's own ?connect_timeout= wins).
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# The limits on a Redis of their own that never evicts; the rest on the cache's (deploy/README.md).
CACHES = store_caches(cache_url=REDIS_URL, limits_url=env("REDIS_LIMITS_URL"))

EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)

# HTTPS, behind the proxy ----------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# /healthz/ is probed over plain HTTP on loopback by the load balancer and the runbook.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[env("SITE_URL")])
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True}  # noqa: F405
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    },
}

# Uploads (product and page images, avatars) and Wagtail's renditions: on the local disk under
# MEDIA_ROOT, which Nginx serves, while there is one web node; in an S3-compatible bucket, served
# from its URL or a CDN's, once there are more (MEDIA_STORAGE=s3, docs/scaling.md step 5).
MEDIA_STORAGE = env("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME, the bucket that holds the media. "
            "See .env.example."
        )
    s3_options, MEDIA_URL = s3_media(env)
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options}
    # The shop's pages and the admin show pictures from there (a CSP source may be a path).
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = [
        *CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
        MEDIA_URL,
    ]
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE is {MEDIA_STORAGE!r}: it must be filesystem (the default) or s3."
    )
