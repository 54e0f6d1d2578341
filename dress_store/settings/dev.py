"""Local development (`make run`): SQLite unless DATABASE_URL is set, and mail to the console
unless EMAIL_URL is set."""

from .base import *  # noqa: F403
from .base import STRIPE_SECRET_KEY, env

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-secret-key-never-used-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # The webhook and the shopper's return from Stripe write at the same moment: let SQLite
    # queue writers instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )

if not STRIPE_SECRET_KEY:
    # No Stripe account: `make run` starts the local stand-in (standins/stripe_api.py) here.
    STRIPE_SECRET_KEY = "sk_test_standin"  # noqa: S105
    STRIPE_WEBHOOK_SECRET = "whsec_test_standin"  # noqa: S105
    STRIPE_API_BASE = env("STRIPE_API_BASE", default="http://127.0.0.1:12111")
    STRIPE_SIMULATED = True
