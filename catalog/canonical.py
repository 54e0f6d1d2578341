"""Catalog URLs without stray parameters: a GET for a page or the search whose query string has
parameters the page never reads (`?z=123`, `utm_source`) is sent on, permanently, to the same
URL without them. Nginx neither answers such a request from its page cache nor keeps its answer
(deploy/nginx/dress_store.conf); after the redirect, the canonical URL is served from the cache
like any other. The names here and the nginx map of known names must agree."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode

from django.http import HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control
from wagtail.models import Page

from . import listing, product
from .models import CategoryPage, ProductPage, ShopIndexPage

# The query parameters each kind of page reads; a page of any other kind reads none.
PAGE_PARAMETERS: dict[type[Page], tuple[str, ...]] = {
    ShopIndexPage: listing.PARAMETERS,
    CategoryPage: listing.PARAMETERS,
    ProductPage: product.PARAMETERS,  # the size and colour chosen in the picker
}
SEARCH_PARAMETERS = ("q", "page")
# Browsers keep a permanent redirect as long as they are let; a day bounds it, should a page
# learn to read a parameter later.
REDIRECT_SECONDS = 24 * 60 * 60


def without_strays(request, names: Iterable[str]) -> HttpResponsePermanentRedirect | None:
    """The redirect to this GET's URL without the parameters not in `names` (the rest kept as
    written, in their order), or None when there are none to drop."""
    if request.method not in ("GET", "HEAD"):
        return None
    names = set(names)
    pairs = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if name in names]
    if len(kept) == len(pairs):
        return None
    response = HttpResponsePermanentRedirect(request.path + (f"?{urlencode(kept)}" if kept else ""))
    patch_cache_control(response, public=True, max_age=REDIRECT_SECONDS)
    return response


def for_page(page: Page, request) -> HttpResponsePermanentRedirect | None:
    """`without_strays` for a Wagtail page, by what its kind reads."""
    return without_strays(request, PAGE_PARAMETERS.get(type(page), ()))
