"""The personal parts of a page (signed in or not, the basket count, the one-time messages), kept
out of the pages that Nginx shares between visitors, with no trip to the app to fill them in.

Behind Nginx, the page location sends `X-SSI: on` (and overwrites any such header a client
sends). A page rendered for such a request touches neither the session nor the user: the header
is written as Nginx SSI (templates/includes/personal_tools.html) that shows "Account" or "Sign in"
and the basket count from two small cookies the visitor carries, which mirror their session:

- `ds_in=1` while signed in;
- `ds_basket=<count>` while the basket holds something.

`HeaderCookiesMiddleware` keeps them in step: on every response that accessed the session it sets
them when they differ from what the request carried (and again whenever the session cookie is
set, so that they live as long as it does), and deletes them when signed out or emptied. Nginx
reads them through maps that accept digits only and only next to a session cookie
(deploy/nginx/dress_store.conf), and SSI echoes them entity-encoded.

A forged cookie changes nothing but the forger's own header: nothing that matters reads these
cookies (the basket page, checkout, the account pages and every form read the session), and what
Nginx shows of them is a number or a choice between two links written by the app.

Messages stay Django's default (a `messages` cookie, falling back to the session): a request
carrying that cookie neither reads nor fills Nginx's cache, so the app renders that page whole
with the message inline, once, and its `Set-Cookie` takes the message off.

Without the header (the dev server, Gunicorn reached directly, the tests' client) pages render
the header from the session, as any Django page would. Either way, a response whose content
depends on the session (Django's SessionMiddleware marks it `Vary: Cookie`), or that sets a
cookie, is marked `Cache-Control: private`: no shared cache may store it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils.cache import has_vary_header, patch_cache_control
from django.utils.functional import empty

from .purge import cache_lifetime

HEADER = "X-SSI"
# The session key under which checkout keeps the basket's count for the header (kept there by
# every basket change, so that the header costs no query, and mirrored in a cookie for Nginx).
BASKET_COUNT_KEY = "basket_count"
SIGNED_IN_COOKIE = "ds_in"
BASKET_COOKIE = "ds_basket"


def by_ssi(request) -> bool:
    """Does Nginx put the personal parts into this page (so that it may be shared)?"""
    return getattr(request, "personal_by_ssi", False)


@dataclass(frozen=True)
class HeaderState:
    """What the header shows of a visitor's session."""

    signed_in: bool
    basket_count: int

    def cookies(self) -> dict[str, str]:
        """The header cookies for this state: absent means signed out, an empty basket."""
        values = {}
        if self.signed_in:
            values[SIGNED_IN_COOKIE] = "1"
        if self.basket_count > 0:
            values[BASKET_COOKIE] = str(self.basket_count)
        return values


def header_state(request) -> HeaderState:
    """The header's state from the session, which the caller has already read. The user row is
    not fetched for it: the user already loaded for this request if any, else the session's
    signed-in mark."""
    session = request.session
    user = getattr(request, "user", None)
    # A SimpleLazyObject until something asks for it; login() and logout() set a real one.
    if user is not None and getattr(user, "_wrapped", user) is not empty:
        signed_in = bool(user.is_authenticated)
    else:
        signed_in = SESSION_KEY in session
    count = session.get(BASKET_COUNT_KEY, 0)
    return HeaderState(signed_in=signed_in, basket_count=count if isinstance(count, int) else 0)


def sync_header_cookies(request, response) -> None:
    """Set or delete the header cookies on `response` so that they match the session. Only for
    a response that accessed the session (otherwise the session is not read at all)."""
    wanted = header_state(request).cookies()
    session_cookie_set = settings.SESSION_COOKIE_NAME in response.cookies and (
        response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] != 0
    )
    for name in (SIGNED_IN_COOKIE, BASKET_COOKIE):
        carried, value = request.COOKIES.get(name), wanted.get(name)
        if value is None:
            if carried is not None:
                response.delete_cookie(
                    name,
                    path=settings.SESSION_COOKIE_PATH,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
        elif value != carried or session_cookie_set:
            _set_like_the_session_cookie(request, response, name, value)


def _set_like_the_session_cookie(request, response, name: str, value: str) -> None:
    """As SessionMiddleware sets its own cookie: the same lifetime, path, domain and flags."""
    if request.session.get_expire_at_browser_close():
        max_age = None
    else:
        max_age = request.session.get_expiry_age()
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=settings.SESSION_COOKIE_PATH,
        domain=settings.SESSION_COOKIE_DOMAIN,
        secure=settings.SESSION_COOKIE_SECURE or None,
        # Nginx reads them server-side; no script needs them.
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )


class PersonalPartsMiddleware:
    """Above SessionMiddleware, so that it sees the session as the view left it and the
    `Vary: Cookie` that SessionMiddleware adds when the session was read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.personal_by_ssi = request.headers.get(HEADER) == "on"
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed:
            sync_header_cookies(request, response)
        if has_vary_header(response, "Cookie") or response.cookies:
            patch_cache_control(response, private=True)
        elif request.personal_by_ssi:
            cache_lifetime(request, response)
        return response


def personal_context(request) -> dict:
    """Context processor: `personal_by_ssi` for the templates."""
    return {"personal_by_ssi": by_ssi(request)}
