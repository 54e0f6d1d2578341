"""Throttles on the shared Redis cache, with rates read from settings when they are checked
(DRF's own classes read them once, at import)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle


class SettingsRateMixin:
    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)


class AnonThrottle(SettingsRateMixin, AnonRateThrottle):
    pass


class UserThrottle(SettingsRateMixin, UserRateThrottle):
    pass


class ScopedThrottle(SettingsRateMixin, ScopedRateThrottle):
    pass
