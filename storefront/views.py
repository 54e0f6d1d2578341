"""The site's plain URLs (the health check, robots.txt and the favicon) and its error page."""

import sys

from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return f"error: {type(error).__name__}"
    return "ok"


def redis_state() -> str:
    """Both Redis servers: the cache's (`pages`) and the limits' (`default`)."""
    if not settings.REDIS_URL:
        return "not configured"
    for alias, name in (("pages", "cache"), ("default", "limits")):
        cache = caches[alias]
        try:
            cache.set("healthz", "ok", 10)
            if cache.get("healthz") != "ok":
                return f"error: no round trip ({name})"
        except Exception as error:
            return f"error: {type(error).__name__} ({name})"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """JSON for load balancers and the runbook: 200 when every part answers, else 503."""
    checks = {"database": database_state(), "redis": redis_state()}
    healthy = all(state in ("ok", "not configured") for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@require_GET
@cache_control(max_age=60 * 60 * 24, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /basket/",
        "Disallow: /checkout/",
        "Disallow: /accounts/",
        "Disallow: /api/",
        "Disallow: /search/",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page's <link rel=icon> says.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


# Seconds a shopper (or a crawler) is asked to wait when the database cannot be reached: about
# how long PostgreSQL takes to restart.
RETRY_AFTER = 30


def server_error(request):
    """The answer to an unhandled exception (handler500). When PostgreSQL cannot be reached (it
    is restarting, or down) that is no bug but an outage: a 503 that says to try again in a
    minute, with Retry-After, which also lets Nginx serve its cached copy of a catalog page.
    Anything else is Django's 500. Neither page touches the database."""
    error = sys.exc_info()[1]
    if not isinstance(error, (OperationalError, InterfaceError)):
        return defaults.server_error(request)
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response
