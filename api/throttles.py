"""Throttles on the shared limits cache, with rates read from settings when they are checked
(DRF's own classes read them once, at import), and clients told apart by the address the proxy in
front saw (`accounts.ratelimit.client_ip`).

DRF's own `get_ident` takes the whole X-Forwarded-For when NUM_PROXIES is unset; Nginx appends to
what the client sent, so each made-up value would be a new client."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from accounts.ratelimit import client_ip


class StoreThrottleMixin:
    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)


class AnonThrottle(StoreThrottleMixin, AnonRateThrottle):
    pass


class UserThrottle(StoreThrottleMixin, UserRateThrottle):
    pass


class ScopedThrottle(StoreThrottleMixin, ScopedRateThrottle):
    pass
