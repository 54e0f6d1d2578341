"""Nginx's shared page cache for a shopper holding a basket (issue 12, item 1): the production
stack (deploy/stack.py), wrk through Nginx, in one run, against a static file (Nginx's floor):

- a category page for a signed-in shopper with a piece in the basket (their session cookie and
  the header cookies the store gave them), after checking that the page Nginx serves them
  carries their own header ("Account" and a basket count of at least 1);
- the same page for an anonymous visitor.

    .venv/bin/python bench/edge.py [--products 200] [--duration 10]

Prints each row (req/s, p50/p95/p99), the ratios to the static file's req/s (the issue's target
for the shopper: at least 0.3), and how many of the shopper's requests reached Gunicorn. Uses
bench/run.py's scratch database (its own name) and wrk runner.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402

from deploy.stack import production_stack  # noqa: E402

TARGET = 0.3


def fetch(stack, path: str, cookie: str = "") -> tuple[str, str]:
    """(body, X-Cache-Status) of one GET through Nginx."""
    opener, _jar = bench.browser(stack)
    request = urllib.request.Request(stack.url + path, headers={"Cookie": cookie} if cookie else {})
    with opener.open(request) as response:
        return response.read().decode(), response.headers.get("X-Cache-Status", "")


def sign_in(stack, variant_id: int) -> str:
    """The Cookie header of a signed-in shopper with a piece in the basket, through Nginx, as a
    browser would have it: the session and the header cookies."""
    return bench.sign_in(stack, variant_id, cookies=("sessionid", "ds_in", "ds_basket"))


def app_requests(stack, path: str) -> int:
    """GET requests for `path` (no query string) in Gunicorn's access log."""
    return stack.node_requests(0).count(f'"GET {path} ')


def header_of(page: str) -> dict:
    tools = re.search(r'<nav class="site-header__tools".*?</nav>', page, re.S).group(0)
    count = re.search(r"data-basket-count>(\d+)", tools).group(1)
    label = re.search(r'class="tool-link__label">([^<]*)<', tools).group(1)
    return {"account label": label, "basket count": int(count)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database", default="dress_store_bench_edge")
    parser.add_argument("--db-user", default=os.environ.get("BENCH_DB_USER", "postgres"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dress-store-bench-edge"
    )
    parser.add_argument("--keep", action="store_true", help="reuse the scratch database")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    database_url, seed_env = bench.scratch_database(args)
    targets = bench.pages(seed_env)
    category, variant = targets["category listing"], targets["_variant"]
    with production_stack(
        workdir=args.workdir / "stack",
        database_url=database_url,
        redis_url=args.redis_url,
        media_root=args.workdir / "media",
        nodes=1,
        celery=False,
    ) as stack:
        cookie = sign_in(stack, variant)
        home, _ = fetch(stack, "/")
        static = re.search(r"/static/css/store\.[0-9a-f]+\.css", home).group(0)
        # The shopper's own header, from the cache once it is warm.
        fetch(stack, category)
        page, status = fetch(stack, category, cookie)
        own = header_of(page)
        print(f"shopper's header on {category} (X-Cache-Status {status}): {own}", flush=True)
        if own["basket count"] < 1 or own["account label"] != "Account":
            sys.exit(f"The shopper's page does not carry their header: {own}")
        anonymous = header_of(fetch(stack, category)[0])
        print(f"anonymous header on {category}: {anonymous}", flush=True)

        rows, reached = {}, {}
        for name, url, headers in (
            ("static file", stack.url + static, []),
            ("category, basket holder", stack.url + category, [f"Cookie: {cookie}"]),
            ("category, anonymous", stack.url + category, []),
        ):
            before = app_requests(stack, category)
            row = bench.wrk(url, args.connections, args.duration, headers)
            rows[name] = row
            reached[name] = app_requests(stack, category) - before
            print(
                f"{name:<24} {row['rps']:>9.1f} req/s  p50 {row['p50_ms']:>7.2f}  "
                f"p95 {row['p95_ms']:>7.2f}  p99 {row['p99_ms']:>7.2f} ms"
                f"{'  non-2xx ' + str(row['non_2xx']) if row['non_2xx'] else ''}",
                flush=True,
            )
    floor = rows["static file"]["rps"]
    print()
    for name in ("category, basket holder", "category, anonymous"):
        ratio = rows[name]["rps"] / floor
        goal = f"  (target >= {TARGET})" if "basket" in name else ""
        print(f"{name:<24} / static file = {ratio:.3f}{goal}")
    for name in ("category, basket holder", "category, anonymous"):
        print(
            f"{name}: {rows[name]['requests']} requests, {reached[name]} reached Gunicorn "
            "(the cache's refreshes when the page expired; no per-page trip)"
        )


if __name__ == "__main__":
    main()
