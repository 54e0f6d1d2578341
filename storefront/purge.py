"""Purging Nginx's shared page cache (deploy/nginx/dress_store.conf) when what a page shows
changes, so that the change shows on the next view rather than after the cache's TTL.

What is purged, and when (after the change commits, from a Celery task, so that neither an
editor's publish nor a shopper's order waits on Nginx):
- a page published, unpublished, moved or deleted: the page and its ancestors (the category
  listings above a product, the shop index, the home page);
- a stock move: the product pages of the moved variants; and where a variant went from none to
  some or from some to none, its product's ancestors too, whose listings show "sold out" and
  filter by what is in stock. A sale that leaves pieces on the shelf changes no listing: purging
  the listings on every order would empty the cache of the busiest pages every few seconds on
  sale day.

Nginx's cache is keyed by the request URI, and the purge module (libnginx-mod-http-cache-purge
2.3) purges exact keys: a listing's filtered, sorted or later pages and the search results are
not purged, and their TTL is short instead (`SHORT_TTL`, set by `cache_lifetime` below).

Each purge is sent twice, the second time `AGAIN_AFTER` seconds later: a page rendered from the
old data by a request still running when the first purge arrived would otherwise be stored after
it and stay until its TTL. The addresses are settings.WAGTAILFRONTENDCACHE, one per Nginx.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

from celery import shared_task
from django.conf import settings
from django.db import transaction
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.backends.http import PurgeRequest
from wagtail.contrib.frontend_cache.utils import get_backends
from wagtail.models import Page

logger = logging.getLogger(__name__)

AGAIN_AFTER = 3  # seconds
# Seconds Nginx keeps a page that no purge reaches: a URL with a query string (filters, sorting,
# pages of a listing, search results). Pages without one are kept for the TTL in Nginx's config
# and purged.
SHORT_TTL = 10


def cache_lifetime(request, response) -> None:
    """For the page middleware: a shared page whose URL has a query string lives `SHORT_TTL`
    seconds in Nginx's cache (X-Accel-Expires, which Nginx reads and does not pass on)."""
    if request.GET and response.status_code == 200 and "X-Accel-Expires" not in response:
        response["X-Accel-Expires"] = str(SHORT_TTL)


def page_paths(pages: Iterable[Page]) -> set[str]:
    """The paths under which `pages` are served (relative to their site's root URL)."""
    paths = set()
    for page in pages:
        parts = page.get_url_parts()
        if parts is not None and parts[2]:
            paths.add(parts[2])
    return paths


def with_ancestors(page: Page) -> set[str]:
    return page_paths([*page.get_ancestors().filter(depth__gt=1), page])


def purge_on_commit(paths: Iterable[str]) -> None:
    """Purge `paths` from every Nginx once the current transaction commits (at once outside
    one). Nothing is queued when no Nginx is configured."""
    paths = sorted(paths)
    if not paths or not settings.WAGTAILFRONTENDCACHE:
        return

    def queue() -> None:
        try:
            purge_paths.delay(paths)
            purge_paths.apply_async((paths,), countdown=AGAIN_AFTER)
        except Exception:  # the pages then change at the end of their TTL
            logger.warning("Could not queue the purge of %s", paths, exc_info=True)

    transaction.on_commit(queue)


@shared_task(ignore_result=True)
def purge_paths(paths: list[str]) -> None:
    urls = [settings.SITE_URL + path for path in paths]
    for name, backend in get_backends().items():
        logger.info("Purging %s from %s", paths, name)
        backend.purge_batch(urls)


class NginxPurgeBackend(HTTPBackend):
    """Wagtail's HTTP backend (a PURGE request per URL, to LOCATION, with the page's Host), with
    a timeout, and with Nginx's 404 (nothing cached under that URL) taken as done."""

    TIMEOUT = 5

    def purge(self, url: str) -> None:
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(url)
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, parts.path, parts.query, ""]),
            headers={"Host": parts.netloc, "User-Agent": "dress-store-purge"},
        )
        try:
            urlopen(request, timeout=self.TIMEOUT).close()  # noqa: S310 - LOCATION is ours
        except HTTPError as error:
            if error.code != 404:
                logger.error("Could not purge %s at %s: %s", url, self.cache_netloc, error)
        except (URLError, OSError) as error:
            logger.error("Could not purge %s at %s: %s", url, self.cache_netloc, error)
