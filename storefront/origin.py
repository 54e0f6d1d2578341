"""Forms on pages that Nginx caches for everybody (add to basket, save a piece, "Email me when
it's back"): they cannot carry a per-visitor CSRF token, so the views that take them ask the
browser where the POST comes from instead, and send the shopper back where they were."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def from_this_site(request) -> bool:
    """Whether the browser says this POST comes from one of our own pages.

    Browsers tell where a POST comes from: Sec-Fetch-Site (all current browsers), Origin, or at
    least a Referer (our Referrer-Policy sends our own origin on same-origin requests). A POST
    that says none of these is refused: failing closed costs a browser nothing, and a forged
    request cannot pass for one of ours."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin != "null" and urlsplit(origin).netloc == request.get_host()
    referer = urlsplit(request.headers.get("Referer", ""))
    return referer.scheme == request.scheme and referer.netloc == request.get_host()


def refused(request, *, heading: str, reason: str) -> HttpResponse:
    """The answer to a POST that is not `from_this_site`: what was not done, and why (403)."""
    return render(request, "refused.html", {"heading": heading, "reason": reason}, status=403)


def back_to(request, fallback: str) -> str:
    """Where the shopper came from (the form's `next`, else the Referer), if it is on this
    site; `fallback` otherwise."""
    target = request.POST.get("next") or request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
