"""How long accounts' data is kept: sessions until they expire (they live in PostgreSQL, and
Django leaves expired rows behind)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings


def purge_expired_sessions() -> None:
    """Delete the sessions whose expiry date has passed."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
