"""Wagtail's routing, answered from the cache: the site for the request's host, the page for the
path (the specific object, with the chain of pages above it) and the view restrictions over it,
kept per version of the catalog.

Wagtail finds all of this anew on every request: the Site lookup, the page chain, `.specific`
and the view restrictions cost four to six queries and, above all, the ORM's compiling of them:
about half of a category page's time when its listing comes from the cache. The catalog's
version (`catalog.versions`) changes whenever any of it may have: a page is published,
unpublished (scheduled expiry too), moved or deleted, a view restriction or a site is saved or
deleted. A moved or unpublished page stops resolving at once.

Only what Wagtail decides from the database is cached; what depends on the request is decided
on every request as Wagtail does, by Wagtail's own serve view and hooks: the cached restrictions
are checked against this request's session and user (a password given, signed in, in a group),
so a private page is served to nobody who may not see it. Paths that resolve to no page are not
kept (made-up paths could otherwise fill the cache), nor are routes with arguments of their own
(a routable page's sub-routes); they take Wagtail's path. Previews do not route.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.http.request import split_domain_port
from django.utils.connection import ConnectionProxy
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site

from . import versions

# What can be made again: in the cache that may evict.
cache = ConnectionProxy(caches, "pages")

SECONDS = 10 * 60
# In the keys: a Route of another shape, cached by the code a deploy replaced, is never read.
SHAPE = 1


@dataclass(frozen=True)
class Route:
    """Where a path leads on a site: Wagtail's answer, ready to be used without a query."""

    site: Site
    page: Page  # the specific page, with `route_ancestors` (the chain above it) set
    restrictions: tuple[PageViewRestriction, ...]  # with their groups fetched


def route_key(request, path: str) -> str:
    """The key of `path` on the request's host and port (as Wagtail finds the site) for this
    version of the catalog."""
    hostname = split_domain_port(request._get_raw_host())[0]
    parts = (SHAPE, versions.catalog(request), hostname, request.get_port(), path)
    return "route:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def find_route(request, path: str) -> Route | None:
    """Wagtail's route for `path`, from the database, as a `Route` to keep; None when it cannot
    be kept (no page, or a route with arguments)."""
    result = Page.route_for_request(request, path)
    if result is None:
        return None
    page, args, kwargs = result
    if args or kwargs:
        return None
    restrictions = tuple(page.get_view_restrictions().prefetch_related("groups"))
    return Route(site=Site.find_for_request(request), page=page, restrictions=restrictions)


def cached_route(request, path: str) -> Route | None:
    """The route for `path`, from the cache when it is there."""
    key = route_key(request, path)
    route = cache.get(key)
    if route is None:
        route = find_route(request, path)
        if route is not None:
            cache.set(key, route, SECONDS)
    return route


def use(route: Route, request) -> None:
    """Hand a cached route to Wagtail: `Site.find_for_request` and `Page.route_for_request` read
    what they found from the request, and the page's view restrictions are the cached ones."""
    restrictions = list(route.restrictions)
    route.page.get_view_restrictions = lambda: restrictions
    request._wagtail_site = route.site
    request._wagtail_route_for_request = (route.page, [], {})


def serve(request, path: str):
    """Wagtail's `serve` view (its hooks, view restrictions and templates), with the route from
    the cache."""
    if request.method in ("GET", "HEAD") and (route := cached_route(request, path)) is not None:
        use(route, request)
    return wagtail_views.serve(request, path)
