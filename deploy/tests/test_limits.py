"""Nginx's own limits on the real stack: bursts at the doors that cost the store something (signing
in, signing up, password resets, the basket, back-in-stock alerts, saved pieces, checkout,
Stripe's return page, API tokens) are refused with 429 before they reach Gunicorn, while a
shopper's pace passes; and query strings with parameters the store never uses neither fill nor
bypass the page cache."""

import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from deploy.stack import production_stack

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stack(tmp_path_factory, make_product, database_url):
    make_product(title="Stack Slip Dress", slug="stack-slip-dress")
    with production_stack(
        workdir=tmp_path_factory.mktemp("stack"),
        database_url=database_url,
        redis_url=settings.REDIS_URL,
        media_root=settings.MEDIA_ROOT,
        static_root=tmp_path_factory.getbasetemp() / "static",
        nodes=1,
        celery=False,
    ) as running:
        yield running


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def send(stack, path: str, *, method: str = "GET", data: dict | None = None):
    """(status, headers) of one request through Nginx, redirects not followed."""
    context = ssl.create_default_context(cafile=str(stack.certificate))
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context), NoRedirects
    )
    body = urllib.parse.urlencode(data or {}).encode() if method == "POST" else None
    request = urllib.request.Request(stack.url + path, data=body, method=method)
    try:
        with opener.open(request) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def reached_gunicorn(stack, method: str, path: str) -> int:
    """How many `method` requests for `path` Gunicorn logged, once its log has settled."""
    count, deadline = -1, time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.3)
        latest = stack.node_requests(0).count(f'"{method} {path.split("?")[0]}')
        if latest == count:
            break
        count = latest
    return count


# Each door: its method, its burst (nginx lets the first request and `burst` more through at
# once), and the seconds until one more request passes (1/rate).
DOORS = {
    "/accounts/login/": ("POST", 10, 6),
    "/accounts/signup/": ("POST", 5, 12),
    "/accounts/password/reset/": ("POST", 5, 12),
    "/basket/add/": ("POST", 30, 1),
    "/back-in-stock/": ("POST", 10, 6),
    "/saved/add/": ("POST", 30, 1),
    "/checkout/": ("POST", 10, 3),
    "/checkout/success/?session_id=cs_made_up": ("GET", 10, 3),
}


def all_at_once(stack, path: str, method: str, count: int) -> list[int]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: send(stack, path, method=method)[0], range(count)))


def test_a_burst_past_the_limit_gets_429_while_a_normal_rate_passes(stack):
    # When one address sends, at each door, five requests more than it lets through at once
    answers = {
        path: all_at_once(stack, path, method, burst + 1 + 5)
        for path, (method, burst, _seconds) in DOORS.items()
    }

    # Then the five get 429 from Nginx, and only the others reach Gunicorn
    for path, (method, burst, _seconds) in DOORS.items():
        assert answers[path].count(429) == 5, (path, answers[path])
        assert reached_gunicorn(stack, method, path) == burst + 1, path

    # And once a door's rate allows another request, it passes
    time.sleep(max(seconds for _method, _burst, seconds in DOORS.values()) + 0.5)
    for path, (method, burst, _seconds) in DOORS.items():
        assert send(stack, path, method=method)[0] != 429, path
        assert reached_gunicorn(stack, method, path) == burst + 2, path


def test_sign_in_doors_share_one_budget(stack):
    # Given an address that spent its sign-in attempts on the shop's sign-in
    assert all_at_once(stack, "/accounts/login/", "POST", 11).count(429) == 0

    # Then the admin's sign-in and the API's token endpoint refuse it too
    assert send(stack, "/admin/login/", method="POST")[0] == 429
    assert send(stack, "/api/v1/auth/token/", method="POST")[0] == 429


def test_stray_query_parameters_neither_fill_nor_bypass_the_page_cache(stack):
    # When a listing is asked for with a made-up parameter, twice
    for stray in ("z=1", "z=2"):
        status, headers = send(stack, f"/shop/dresses/?{stray}&size=m")

        # Then Nginx neither looks it up nor keeps it, and the store sends it to the real URL
        assert (status, headers["Location"], headers["X-Cache-Status"]) == (
            301,
            "/shop/dresses/?size=m",
            "BYPASS",
        )

    # And the real URL is cached as ever
    assert send(stack, "/shop/dresses/?size=m")[1]["X-Cache-Status"] == "MISS"
    assert send(stack, "/shop/dresses/?size=m")[1]["X-Cache-Status"] == "HIT"
