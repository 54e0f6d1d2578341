"""The store's Redis cache backend: django-redis, failing open while Redis is unreachable."""

from django_redis.cache import RedisCache, omit_exception


class StoreRedisCache(RedisCache):
    """With IGNORE_EXCEPTIONS, django-redis answers reads with a miss and drops writes while
    Redis is unreachable; this backend also answers `add` with True, as if the key were new.

    `add` is how a lock is taken in a cache, and allauth takes one around every count of its
    rate limits: refused, it waits a second for the lock and then answers sign-up, sign-in and
    password reset with 429, for as long as Redis is down. Granted, shoppers can sign up and in,
    and the limits do not count until Redis is back: an outage must not lock everyone out."""

    @omit_exception(return_value=True)
    def add(self, *args, **kwargs):
        return self.client.add(*args, **kwargs)
