"""Whole Wagtail pages for shoppers who are not signed in, kept in the cache by the store itself:
the fast path when Nginx's cache cannot answer (a shopper with a session or a basket, a node
asked directly).

Served from here: a GET or HEAD without a query string, from a shopper who is not signed in
(a session and a basket are fine) and has no one-time messages waiting. It costs the session's
query when there is a session cookie, and two round trips to Redis; no other query, no
routing, no template.

Kept here: such a request's page when it is an ordinary 200 page with no view restrictions
over it, whose rendering set no cookie, used no CSRF token and changed no session. What is
personal in it (the basket count) is rendered as a mark and filled per request
(`storefront.shared`): nothing personal is kept.

An entry is used only while what it was made from is current, checked in the same round trip
as it is read: the catalog's version (a publish, an unpublish, a move, a view restriction, a
site), the availability version (product picks, in-stock filters), the header's shell (store
settings, navigation); and in a second round trip, the stock versions of the products it shows
(`catalog.fragments.cached_for_products`). Otherwise the page is made again from the route
cache (`catalog.routing`) and its cached parts. Each worker keeps the few entries it served
last (`RECENT`), and checks them against Redis in one round trip on every use.

Query strings (filters, pages of a listing, a chosen size) take the route cache's path: they
are many, and each would make an entry here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.template.response import SimpleTemplateResponse
from django.utils.connection import ConnectionProxy
from wagtail.models import Site

from storefront import shared
from storefront.personal import by_ssi
from storefront.shell import CACHE_KEY as SHELL_KEY
from storefront.shell import Shell

from . import routing, versions

cache = ConnectionProxy(caches, "pages")

SECONDS = 10 * 60
SHAPE = 1  # in the keys: an entry of another shape, from code a deploy replaced, is not read


@dataclass(frozen=True)
class Entry:
    catalog: str
    availability: str
    site_id: int
    shell: Shell
    stock_versions: dict[int, str]
    content_type: str
    html: str  # with marks for what is personal


def page_key(request) -> str:
    hostname = split_domain_port(request._get_raw_host())[0]
    # A page rendered for Nginx carries SSI where the header's personal parts go; any other
    # carries them inline, as marks: two entries.
    parts = (SHAPE, hostname, request.get_port(), request.path, by_ssi(request))
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def may_share(request) -> bool:
    """Whether this request may be answered with a shared page, and its page kept. One for
    Nginx (storefront.personal) is the same for everybody and must not read the session: only
    a `messages` cookie keeps it from being shared (Nginx does not cache such a request either)."""
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return False
    if by_ssi(request):
        return not shared.has_message_cookie(request)
    return not request.user.is_authenticated and not shared.has_messages(request)


# The entries this worker served last, by key: still checked against Redis on every use, in
# one round trip, but not fetched and unpickled again while they hold. A handful of pages (a
# sale's home, categories and featured products) take most of the views.
RECENT: dict[str, Entry] = {}
RECENT_SIZE = 64


def checks(entry: Entry) -> dict[str, str | Shell]:
    """What must still be in Redis, under which keys, for `entry` to be current."""
    return {
        versions.CATALOG_KEY: entry.catalog,
        versions.AVAILABILITY_KEY: entry.availability,
        SHELL_KEY.format(site_id=entry.site_id): entry.shell,
        **{
            versions.PRODUCT_STOCK_KEY.format(pk): stock
            for pk, stock in entry.stock_versions.items()
        },
    }


def holds(entry: Entry, found: dict) -> bool:
    return all(found.get(key) == value for key, value in checks(entry).items())


def current_entry(request) -> Entry | None:
    key = page_key(request)
    if (recent := RECENT.get(key)) is not None:
        if holds(recent, cache.get_many(list(checks(recent)))):
            return recent
        RECENT.pop(key, None)
    found = cache.get_many([key, versions.CATALOG_KEY, versions.AVAILABILITY_KEY])
    entry = found.get(key)
    if (
        entry is None
        or entry.catalog != found.get(versions.CATALOG_KEY)
        or entry.availability != found.get(versions.AVAILABILITY_KEY)
    ):
        return None
    rest = [name for name in checks(entry) if name not in found]
    if not holds(entry, {**found, **cache.get_many(rest)}):
        return None
    while len(RECENT) >= RECENT_SIZE:
        RECENT.pop(next(iter(RECENT), None), None)  # the oldest; threads may race to it
    RECENT[key] = entry
    return entry


def stock_versions_of(request) -> dict[int, str]:
    """The stock versions of the products on the page just rendered: those its parts were
    made at (`catalog_tags.once_per_request`)."""
    found: dict[int, str] = {}
    for part in getattr(request, "_catalog_parts", {}).values():
        found.update(getattr(part, "stock_versions", {}))
    return found


def keep(request, response) -> None:
    """Keep the page just rendered for `request` (marks in place) when it may be shared."""
    route = getattr(request, "_wagtail_route_for_request", None)
    site = getattr(request, "_wagtail_site", None)
    if (
        response.status_code != 200
        or not isinstance(response, SimpleTemplateResponse)
        or route is None
        or not isinstance(site, Site)
        or route[0].get_view_restrictions()
        or response.cookies
        or response.has_header("Cache-Control")
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or request.session.modified
    ):
        return
    found = versions.for_request(request)
    entry = Entry(
        catalog=found[versions.CATALOG_KEY],
        availability=found[versions.AVAILABILITY_KEY],
        site_id=site.pk,
        shell=getattr(request, "_store_shell", None),
        stock_versions=stock_versions_of(request),
        content_type=response["Content-Type"],
        html=response.content.decode(),
    )
    if entry.shell is not None:
        cache.set(page_key(request), entry, SECONDS)


def serve(request, path: str):
    """A Wagtail page: the shared one when it may be, else through the route cache (and kept
    for the next shopper when it may be)."""
    if not may_share(request):
        return routing.serve(request, path)
    if (entry := current_entry(request)) is not None:
        return HttpResponse(shared.fill(entry.html, request), content_type=entry.content_type)
    setattr(request, shared.SHARING, True)
    try:
        response = routing.serve(request, path)
        if isinstance(response, SimpleTemplateResponse):
            response.render()
            keep(request, response)
    finally:
        # Whatever is rendered next (a 404 page, from the exception) is this shopper's alone.
        setattr(request, shared.SHARING, False)
    if isinstance(response, SimpleTemplateResponse):
        response.content = shared.fill(response.content.decode(), request)
    return response
