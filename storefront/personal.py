"""The personal parts of a page (the account link with the shopper's name, the basket count, the
one-time messages), kept out of the pages that Nginx shares between visitors.

Behind Nginx, the page location sends `X-SSI: on` (and overwrites any such header a client
sends). A page rendered for such a request touches neither the session nor the user: where the
personal parts go it writes Nginx SSI commands (templates/includes/personal_ssi.html), and Nginx
fills them in on every response, cached or not, from one subrequest to `/_personal/`
(`personal_parts` below), which reads the session and nothing of the catalog. Without the
header (the dev server, Gunicorn reached directly, the tests' client) pages render the personal
parts inline, as any Django page would.

Either way, a response whose content depends on the session (Django's SessionMiddleware marks it
`Vary: Cookie`) is marked `Cache-Control: private`: no shared cache may store it, even one that
would key it by the cookie.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils.cache import has_vary_header, patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .purge import cache_lifetime

HEADER = "X-SSI"


def by_ssi(request) -> bool:
    """Does Nginx put the personal parts into this page (so that it may be shared)?"""
    return getattr(request, "personal_by_ssi", False)


class PersonalPartsMiddleware:
    """Above SessionMiddleware, so that it sees the `Vary: Cookie` that one adds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.personal_by_ssi = request.headers.get(HEADER) == "on"
        response = self.get_response(request)
        if has_vary_header(response, "Cookie"):
            patch_cache_control(response, private=True)
        elif request.personal_by_ssi:
            cache_lifetime(request, response)
        return response


def personal_context(request) -> dict:
    """Context processor: `personal_by_ssi` for the templates."""
    return {"personal_by_ssi": by_ssi(request)}


@require_GET
@never_cache
def personal_parts(request):
    """The header's account and basket links, then the messages, for Nginx's SSI include (see
    templates/includes/personal_ssi.html, which splits the two at the closing `</nav>`).
    Reads the session (and the signed-in user's row): no catalog query."""
    response = render(request, "includes/personal_parts.html", {"personal_by_ssi": False})
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response
