"""A fixed-window counter in the limits' cache (Django's default, on a Redis that never evicts),
for the limits allauth does not cover; and the client's address behind the proxies in front."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address, trusting as many X-Forwarded-For hops as proxies stand in front."""
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def exceeded(key: str, *, limit: int, window: int) -> bool:
    """Whether `key` already used its `limit` in the current window (without counting)."""
    return (cache.get(bucket(key, window)) or 0) >= limit


def count(key: str, *, window: int) -> None:
    name = bucket(key, window)
    cache.add(name, 0, window)
    try:
        cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, window)


def bucket(key: str, window: int) -> str:
    return f"ratelimit:{key}:{int(time.time() // window)}"
