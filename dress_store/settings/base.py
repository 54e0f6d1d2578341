"""Settings shared by every environment. Values that differ between machines come from the
environment (see `.env.example`); `dev`, `test` and `production` only set what is theirs."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = False

INSTALLED_APPS = [
    "accounts",
    "storefront",
    "home",
    "catalog",
    "checkout",
    "returns",
    "saved",
    "mail",
    "api",
    "demo",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above the sessions': keeps the header cookies in step with the session, and marks every
    # response that read the session or sets a cookie private (personal.py).
    "storefront.personal.PersonalPartsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dress_store.csp.StoreCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "dress_store.urls"
WSGI_APPLICATION = "dress_store.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "storefront.context_processors.store",
                "checkout.context_processors.basket",
                "storefront.personal.personal_context",
            ],
        },
    },
]

# Content Security Policy (django-csp); dress_store/csp.py adds what the admin needs, on its paths.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Databases and caches -------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# The limits' Redis: one that never evicts (deploy/README.md). By default the cache's server,
# which is fine where nothing fills it (make run, a laptop); production requires its own.
REDIS_LIMITS_URL = env("REDIS_LIMITS_URL", default="") or REDIS_URL


def redis_cache(url: str, prefix: str) -> dict:
    """A django-redis cache that fails fast and open: while Redis is down, reads miss, writes
    are dropped (and logged) and locks are granted (dress_store.cache), so an outage slows no
    request down and breaks no page."""
    return {
        "BACKEND": "dress_store.cache.StoreRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            "IGNORE_EXCEPTIONS": True,
        },
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True


CACHE_ALIASES = ("default", "pages", "renditions")


def store_caches(*, cache_url: str, limits_url: str, prefix: str = "") -> dict:
    """The store's caches, by what eviction may do to them.

    - `default` holds the limits' counters: allauth's sign-in and sign-up limits and DRF's
      throttles count in Django's default cache, and so do the admin's sign-in limits. Evicted,
      a counter would forget failed passwords, so this one lives on a Redis that never evicts.
    - `pages` (rendered fragments, the catalog's versions, the header's shell) and `renditions`
      hold what can be made again, on the Redis whose memory ceiling evicts what expires.
    """
    if not cache_url:
        locmem = "django.core.cache.backends.locmem.LocMemCache"
        return {alias: {"BACKEND": locmem, "LOCATION": alias} for alias in CACHE_ALIASES}
    return {
        "default": redis_cache(limits_url or cache_url, f"{prefix}limits"),
        "pages": redis_cache(cache_url, f"{prefix}dress"),
        # Renditions are looked up on every listing; caching them spares a query per image.
        "renditions": redis_cache(cache_url, f"{prefix}renditions"),
    }


CACHES = store_caches(cache_url=REDIS_URL, limits_url=REDIS_LIMITS_URL)
# Sessions live in PostgreSQL only: a copy in Redis could be evicted (harmless) or outlive a
# sign-out that could not reach Redis (not harmless: a copied cookie would stay signed in).
SESSION_ENGINE = "accounts.sessions"
# Messages keep Django's default storage (a `messages` cookie, the session for what does not
# fit): Nginx sees the cookie, and a request carrying it bypasses the shared page cache, so the
# page shows the message once (storefront/personal.py).

# Accounts -------------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"

# allauth: email is the login, and it must be confirmed before the first sign-in.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
# Nginx is the one proxy in front: the client's address is the last hop it adds.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# The Wagtail admin's sign-in is not allauth's: it gets limits of its own (accounts.views), and
# forgotten passwords go through the shop's reset page, with its limits and the outbox.
ADMIN_LOGIN_LIMITS = {"ip": (10, 60), "email": (5, 300)}
WAGTAIL_PASSWORD_RESET_ENABLED = False

SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_QUERY_EMAIL = True  # the account's email is GitHub's verified primary address
# Never sign someone into an existing account because GitHub reports the same address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False
GITHUB_CLIENT_ID = env("GITHUB_CLIENT_ID", default="")
GITHUB_CLIENT_SECRET = env("GITHUB_CLIENT_SECRET", default="")
GITHUB_URL = env("GITHUB_URL", default="").rstrip("/")


def github_provider(client_id: str, secret: str, url: str) -> dict:
    """allauth's GitHub settings: no database row needed, and the login button only shows when
    a client id is configured."""
    provider: dict = {"SCOPE": ["read:user", "user:email"]}
    if client_id:
        provider["APPS"] = [{"client_id": client_id, "secret": secret, "key": ""}]
    if url:
        provider["GITHUB_URL"] = url
    return provider


SOCIALACCOUNT_PROVIDERS = {
    "github": github_provider(GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, GITHUB_URL)
}

# Internationalisation -------------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static and media -----------------------------------------------------------------------------

STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
SERVE_MEDIA = False  # Django serves media itself only where no Nginx stands in front
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Wagtail's page editor posts many fields for products with many variants.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


def s3_media(env: environ.Env) -> tuple[dict, str]:
    """django-storages' S3 backend for the media, and the URL they are read from, from the
    environment: AWS_STORAGE_BUCKET_NAME, and optionally AWS_S3_ENDPOINT_URL (MinIO, R2, a
    loopback server in the tests: the bucket is then a path under it), AWS_S3_CUSTOM_DOMAIN (a
    CDN's name for the bucket; on AWS without one, the bucket's own name under s3.amazonaws.com),
    AWS_S3_REGION_NAME, and the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (without them
    boto3 finds credentials itself, such as an instance's role).

    URLs are public and unsigned, so that Nginx, browsers and a CDN can cache the pages and
    pictures that name them; an upload never replaces another file of the same name."""
    bucket = env("AWS_STORAGE_BUCKET_NAME")
    endpoint = env("AWS_S3_ENDPOINT_URL", default="").rstrip("/")
    domain = env("AWS_S3_CUSTOM_DOMAIN", default="").strip("/")
    if not domain and not endpoint:
        domain = f"{bucket}.s3.amazonaws.com"
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "region_name": env("AWS_S3_REGION_NAME", default=None),
        # Under an endpoint of its own the bucket is a path (MEDIA_URL says so), not a host name.
        "addressing_style": "path" if endpoint else None,
        "custom_domain": domain or None,
        "access_key": env("AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
        "querystring_auth": False,
        "file_overwrite": False,
        # Upload names are not content hashes: a month, as Nginx serves MEDIA_ROOT's files.
        "object_parameters": {"CacheControl": "public, max-age=2592000"},
    }
    return options, f"https://{domain}/" if domain else f"{endpoint}/{bucket}/"


# Wagtail --------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "The Dress Store"
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "avif", "webp": "webp"}
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "txt", "xlsx"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Avatars from Gravatar would tell a third party who uses the admin, and break the CSP.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Nginx's page caches to purge when what a page shows changes (storefront/purge.py), one
# address per Nginx: its purge listener (deploy/nginx/dress_store.conf), e.g.
# "http://10.0.0.11:8081,http://10.0.0.12:8081". Wagtail's frontend-cache HTTP backend sends
# the PURGE requests; none when empty (make run, the tests without a stack).
WAGTAILFRONTENDCACHE = {
    f"nginx-{index}": {
        "BACKEND": "storefront.purge.NginxPurgeBackend",
        "LOCATION": location,
    }
    for index, location in enumerate(env.list("FRONTEND_CACHE_PURGE_URLS", default=[]))
}

# Mail and tasks -------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds the SMTP client waits for the relay, to connect and for each answer. Django waits for
# ever by default: a relay that takes the connection and then says nothing would hold a worker,
# and the outbox row it is sending, until the worker is restarted.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="The Dress Store <shop@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery on Redis. Without REDIS_URL (make run) tasks run in the request, eagerly.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "dress_store"
# Queueing must never hang a request: fail within a second when Redis is away, and leave the
# work to the beat task that picks up what was not queued.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "retry_on_timeout": False,
    "max_retries": 0,
    "visibility_timeout": 3600,
}
CELERY_BEAT_SCHEDULE = {
    "requeue-unsent-mail": {"task": "mail.tasks.requeue_unsent", "schedule": 60.0},
    # Wagtail's scheduled publishing and expiry; a run not started within its minute is dropped.
    "publish-scheduled-pages": {
        "task": "storefront.tasks.publish_scheduled",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "reconcile-pending-orders": {
        "task": "checkout.tasks.reconcile_pending_orders",
        "schedule": 300.0,
    },
    # Data kept only as long as needed: nightly, in the quiet hours (UTC).
    "purge-old-mail": {"task": "mail.tasks.purge_old_mail", "schedule": crontab(hour=3, minute=10)},
    "purge-abandoned-baskets": {
        "task": "checkout.tasks.purge_abandoned_baskets",
        "schedule": crontab(hour=3, minute=20),
    },
    "purge-stripe-events": {
        "task": "checkout.tasks.purge_stripe_events",
        "schedule": crontab(hour=3, minute=30),
    },
    "purge-expired-sessions": {
        "task": "accounts.tasks.purge_expired_sessions",
        "schedule": crontab(hour=3, minute=40),
    },
    # Back-in-stock alerts whose task the queue lost (Redis down when stock came back).
    "send-due-stock-alerts": {"task": "catalog.tasks.send_due_alerts", "schedule": 300.0},
    "purge-stale-stock-alerts": {
        "task": "catalog.tasks.purge_stale_alerts",
        "schedule": crontab(hour=3, minute=50),
    },
    "purge-abandoned-saved-lists": {
        "task": "saved.tasks.purge_abandoned_saved_lists",
        "schedule": crontab(hour=4, minute=0),
    },
}
# How long what the purges above delete is kept, in days. Stripe retries a webhook for three
# days and keeps an event (which the Dashboard can resend) for thirty: an older id cannot come
# again.
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)
BASKET_KEEP_DAYS = env.int("BASKET_KEEP_DAYS", default=30)
STRIPE_EVENT_KEEP_DAYS = env.int("STRIPE_EVENT_KEEP_DAYS", default=30)
SAVED_KEEP_DAYS = env.int("SAVED_KEEP_DAYS", default=30)  # a guest's saved pieces
STOCK_ALERT_KEEP_DAYS = env.int("STOCK_ALERT_KEEP_DAYS", default=90)  # alerts once mailed

# The REST API ---------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # JSON only: a cross-site HTML form cannot send it, which keeps anonymous baskets safe.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttles.AnonThrottle",
        "api.throttles.UserThrottle",
        "api.throttles.ScopedThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# Per client: anonymous by IP, signed in by user, and the token endpoint by IP.
API_THROTTLE_RATES = {
    "anon": env("API_THROTTLE_ANON", default="120/minute"),
    "user": env("API_THROTTLE_USER", default="600/minute"),
    "auth": env("API_THROTTLE_AUTH", default="10/minute"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "The Dress Store API",
    "DESCRIPTION": "Catalog, basket, checkout and orders of The Dress Store.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "DEFAULT_GENERATOR_CLASS": "api.schema.StoreSchemaGenerator",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PaymentStatusEnum": "checkout.models.PaymentStatus",
        "FulfilmentStatusEnum": "checkout.models.FulfilmentStatus",
        "StockAlertStatusEnum": "catalog.models.StockAlert.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# Payments: Stripe, or any Stripe-compatible server at STRIPE_API_BASE ------------------------

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_SIMULATED = False  # True when the local stand-in plays Stripe (make run)

# The store ------------------------------------------------------------------------------------

STORE_CURRENCY = env("STORE_CURRENCY", default="usd").lower()
# Limits no real shopper meets, and a hoarder does: pieces of one size and colour per basket,
# how long an unpaid order holds its stock, and how many unpaid orders one account, one email
# address or one client address may hold at once.
BASKET_MAX_PER_VARIANT = env.int("BASKET_MAX_PER_VARIANT", default=10)
ORDER_RESERVATION_MINUTES = env.int("ORDER_RESERVATION_MINUTES", default=30)
MAX_UNPAID_ORDERS = env.int("MAX_UNPAID_ORDERS", default=3)
# How long after an order ships its pieces may be returned.
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=30)
# Pieces one shopper may save (a wishlist, not a catalog of their own).
SAVED_MAX_PIECES = env.int("SAVED_MAX_PIECES", default=100)
# Back in stock: a guest's link to confirm works this many days; confirmation mails a client
# address and one mailbox (+tags are one person) may ask for, per window in seconds.
STOCK_ALERT_CONFIRM_DAYS = env.int("STOCK_ALERT_CONFIRM_DAYS", default=3)
STOCK_ALERT_LIMITS = {"ip": (10, 60 * 60), "mailbox": (3, 60 * 60)}

# Logging: everything to stdout, where the process manager collects it ------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail runs search and reference indexing as immediate tasks; one line each is noise.
        "django_tasks": {"level": "WARNING"},
    },
}
