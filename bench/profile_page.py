"""Where a page's time goes in one Gunicorn worker: the production settings, the WSGI handler
Gunicorn calls, every middleware, and cProfile's top functions by cumulative time.

    .venv/bin/python bench/profile_page.py --database dress_store_bench \
        --redis-url redis://127.0.0.1:6379/10 [--path /shop/...] [--cookie sessionid=...] [-n 300]

Without --path it profiles the first leaf category of the seeded catalog (bench/run.py seeds
it). Each page is asked for once to warm the caches, then timed against /robots.txt, the
stack's floor (every middleware, no database), and profiled. No network: the handler is called
in this process, so the figures are CPU per request, not throughput.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def environment(args) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "dress_store.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://{args.db_user}@127.0.0.1:5432/{args.database}",
            "REDIS_URL": args.redis_url,
            "REDIS_LIMITS_URL": args.redis_url,
            "EMAIL_URL": "consolemail://",
            "DEFAULT_FROM_EMAIL": "shop@example.com",
            "SITE_URL": "https://127.0.0.1",
            "STRIPE_SECRET_KEY": "sk_test_profile",
            "STRIPE_WEBHOOK_SECRET": "whsec_test_profile",
            "STATIC_ROOT": str(args.static_root),
            "MEDIA_ROOT": str(args.media_root),
        }
    )


def request_environ(path: str, cookie: str) -> dict:
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8001",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="dress_store_bench")
    parser.add_argument("--db-user", default=os.environ.get("BENCH_DB_USER", "postgres"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--path", default="")
    parser.add_argument("--cookie", default="")
    parser.add_argument("-n", type=int, default=300, help="requests timed and profiled")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument(
        "--basket", action="store_true", help="as a shopper holding a basket, not signed in"
    )
    parser.add_argument(
        "--cold", action="store_true", help="a new highest price each request, as WRK_COLD=1"
    )
    workdir = Path(tempfile.gettempdir()) / "dress-store-bench"  # bench/run.py's
    parser.add_argument("--static-root", type=Path, default=workdir / "stack" / "static")
    parser.add_argument("--media-root", type=Path, default=workdir / "media")
    args = parser.parse_args()
    environment(args)

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection, reset_queries

    from catalog.models import CategoryPage

    path = args.path or CategoryPage.objects.filter(depth=5).order_by("path").first().url
    if args.basket:
        from importlib import import_module

        from django.conf import settings

        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session["basket_count"] = 1  # what the header reads (storefront.personal.BASKET_COUNT_KEY)
        session.save()
        args.cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    handler = WSGIHandler()

    start = random.randrange(10_000_000, 90_000_000)  # prices no earlier run asked for
    asked = iter(range(start, 99_999_999))

    def get(url: str) -> int:
        if args.cold and url != "/robots.txt":
            url += f"{'&' if '?' in url else '?'}max_price={next(asked)}"
        status = []
        body = handler(request_environ(url, args.cookie), lambda s, h: status.append(s))
        b"".join(body)
        body.close()
        return int(status[0].split()[0])

    def per_request(url: str) -> float:
        started = time.perf_counter()
        for _ in range(args.n):
            get(url)
        return (time.perf_counter() - started) / args.n * 1000

    for url in ("/robots.txt", path):
        if (status := get(url)) != 200:
            sys.exit(f"{url} answered {status}")
    connection.force_debug_cursor = True
    reset_queries()
    get(path)
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    floor, page = per_request("/robots.txt"), per_request(path)
    print(f"{path}: {page:.2f} ms per request, {queries} queries; /robots.txt {floor:.2f} ms")
    print(f"CPU ratio floor/page: {floor / page:.3f}")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.n):
        get(path)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
