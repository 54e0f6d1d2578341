"""The store's benchmark: seed N products into a scratch database, run the production stack
(deploy/stack.py: Nginx, Gunicorn, the Celery worker), measure with wrk, weigh the workers, ask
Lighthouse, profile a warm category page, and print a table against the targets (also written
as JSON).

    .venv/bin/python bench/run.py [--products 2000] [--duration 10] [--keep]
    .venv/bin/python bench/run.py --fast-path [--worker-class sync]   # issue 12's Python path only

Every page straight to Gunicorn is also weighed against `/robots.txt` from Gunicorn, the stack's
floor (every middleware, no database): the fast path's targets are fractions of its throughput.

Needs PostgreSQL and Redis (as `make test` finds them), nginx and wrk (Debian packages), and
Lighthouse (`npm ci` in bench/). See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.stack import production_stack  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
PASSWORD = "benchmark passphrase 42"
# Pages whose cached renderings are keyed by the query string, so that wrk can ask for them cold.
COLD = ("category listing", "filtered listing", "API product list")
# The fast path's targets (issue 12): throughput straight to Gunicorn / the floor's, at 16
# connections, in one run.
FLOOR_TARGETS = {
    "category listing": 0.5,  # its parts cached
    "product page": 0.5,
    "category listing, basket": 0.3,  # a shopper holding a basket, not signed in
    "category listing, cold": 0.1,  # a new query string each request: from the database
}
TARGETS = {
    "category_vs_healthz": 0.4,  # uncached category listing throughput / /healthz/ throughput
    "cached_vs_static": 0.5,  # anonymous page through Nginx's cache / a static file from Nginx
    "p95_ms_at_16": 60,  # uncached pages, straight to Gunicorn
    "worker_mb": 150,
    "lighthouse": {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100},
}


def sh(*command, env=None, capture=True) -> str:
    result = subprocess.run(
        command, cwd=ROOT, env=env, text=True, capture_output=capture, check=True
    )
    return result.stdout if capture else ""


def django(env: dict, code: str) -> str:
    return sh(PYTHON, "manage.py", "shell", "-c", code, env=env).strip().splitlines()[-1]


# The data --------------------------------------------------------------------------------------


def scratch_database(args) -> tuple[str, dict]:
    url = f"postgres://{args.db_user}@127.0.0.1:5432/{args.database}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dress_store.settings.dev",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(args.workdir / "media"),
        "REDIS_URL": "",
    }
    with psycopg.connect(
        host="127.0.0.1", user=args.db_user, dbname="postgres", autocommit=True
    ) as connection:
        name = sql.Identifier(args.database)
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.database]
        ).fetchone()
        if exists and not args.keep:
            connection.execute(sql.SQL("DROP DATABASE {}").format(name))
            exists = None
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
    # Caches from another run describe another catalog.
    redis.Redis.from_url(args.redis_url).flushdb()
    sh(PYTHON, "manage.py", "migrate", "--no-input", "-v0", env=env)
    started = time.monotonic()
    sh(PYTHON, "manage.py", "seed_demo", "--products", str(args.products), env=env, capture=False)
    print(f"seed_demo --products {args.products}: {time.monotonic() - started:.0f} s", flush=True)
    django(
        env,
        (
            "from accounts.models import User; from allauth.account.models import EmailAddress\n"
            "u = User.objects.filter(email='bench@example.com').first() or "
            f"User.objects.create_user('bench@example.com', password='{PASSWORD}')\n"
            "EmailAddress.objects.update_or_create(\n"
            "    user=u, email=u.email, defaults={'verified': True, 'primary': True})\n"
            "print(u.pk)"
        ),
    )
    return url, env


def pages(env: dict) -> dict[str, str]:
    """The pages to measure, found in the seeded catalog."""
    found = json.loads(
        django(
            env,
            (
                "import json\n"
                "from catalog.models import CategoryPage, ProductPage\n"
                "leaf = CategoryPage.objects.filter(depth=5).order_by('path').first()\n"
                "live = ProductPage.objects.live()\n"
                "product = live.descendant_of(leaf).order_by('-first_published_at').first()\n"
                "stocked = live.filter(variants__stock__gt=0).first()\n"
                "variant = (product.variants.filter(stock__gt=0).first()\n"
                "           or stocked.variants.filter(stock__gt=0).first())\n"
                "print(json.dumps({'category': leaf.url, 'product': product.url,\n"
                "                  'variant': variant.pk, 'size': variant.size.slug}))"
            ),
        )
    )
    return {
        "home": "/",
        "category listing": found["category"],
        "filtered listing": f"{found['category']}?size={found['size']}&in_stock=on&sort=price",
        "product page": found["product"],
        "search": "/search/?q=linen+dress",
        "signed-in basket": "/basket/",
        "API product list": "/api/v1/products/?ordering=price",
        "_variant": found["variant"],
    }


# Measuring -------------------------------------------------------------------------------------


def wrk(url: str, connections: int, duration: int, headers: list[str], cold: bool = False) -> dict:
    command = [
        "wrk",
        "-t",
        str(min(connections, 2)),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
    ]
    for header in headers:
        command += ["-H", header]
    env = {**os.environ, "WRK_COLD": "1" if cold else "0"}
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, env=env
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def browser(stack) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    """An HTTP client to the stack through Nginx that keeps its cookies, as a browser would."""
    context = ssl.create_default_context(cafile=str(stack.certificate))
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPSHandler(context=context),
        urllib.request.HTTPCookieProcessor(jar),
    )
    return opener, jar


def add_to_basket(opener, stack, variant_id: int) -> None:
    opener.open(
        urllib.request.Request(
            stack.url + "/basket/add/",
            data=urllib.parse.urlencode({"variant": variant_id, "quantity": 1}).encode(),
            headers={"Origin": stack.url},
        )
    )


def cookie_header(jar, names: tuple[str, ...]) -> str:
    cookies = {cookie.name: cookie.value for cookie in jar}
    return "; ".join(f"{name}={cookies[name]}" for name in names if name in cookies)


def sign_in(stack, variant_id: int, cookies: tuple[str, ...] = ("sessionid",)) -> str:
    """The Cookie header (`cookies` of those a browser would have) of a signed-in shopper with
    a piece in the basket, through Nginx."""
    opener, jar = browser(stack)
    page = opener.open(stack.url + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"login": "bench@example.com", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    opener.open(
        urllib.request.Request(
            stack.url + "/accounts/login/",
            data=form.encode(),
            headers={"Referer": stack.url + "/accounts/login/"},
        )
    )
    add_to_basket(opener, stack, variant_id)
    return cookie_header(jar, cookies)


def basket_session(stack, variant_id: int) -> str:
    """A shopper's session with a piece in the basket, not signed in, through Nginx."""
    opener, jar = browser(stack)
    add_to_basket(opener, stack, variant_id)
    return cookie_header(jar, ("sessionid",))


def worker_memory(stack) -> list[dict]:
    """RSS and PSS (shared pages counted once per sharer) of every Gunicorn worker."""
    rows = []
    for process in stack.processes:
        if "gunicorn" not in " ".join(map(str, process.args)):
            continue
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            pss = int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) / 1024
            rows.append({"pid": int(pid), "rss_mb": round(rss, 1), "pss_mb": round(pss, 1)})
    return rows


def lighthouse(url: str, workdir: Path) -> dict:
    if not LIGHTHOUSE.exists():
        return {"error": "Lighthouse is not installed: run `npm ci` in bench/."}
    output = workdir / f"lighthouse-{re.sub(r'[^a-z0-9]+', '-', url.lower())[-40:]}.json"
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"}
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        "--only-categories=performance,accessibility,best-practices,seo",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --ignore-certificate-errors "
        "--disable-background-networking --disable-component-update --no-first-run",
    ]
    # Chromium now and then fails to start or times out on a loaded machine: try again before
    # giving up, and then report the failure rather than lose the run's other figures.
    for _attempt in range(3):
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        if done.returncode == 0:
            break
        time.sleep(2)
    else:
        return {"error": (done.stderr or done.stdout).strip()[-500:]}
    report = json.loads(output.read_text())
    return {name: round(category["score"] * 100) for name, category in report["categories"].items()}


def machine() -> dict:
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    memory = (
        int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        // 1024
        // 1024
    )
    versions = {}
    for name, command in {
        "postgres": ["psql", "--version"],
        "redis": ["redis-server", "--version"],
        "nginx": ["nginx", "-v"],
        "wrk": ["wrk", "--version"],
    }.items():
        if shutil.which(command[0]):
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            versions[name] = (done.stdout or done.stderr).strip().splitlines()[0][:60]
    return {
        "cpu": cpu.group(1) if cpu else platform.processor(),
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        **versions,
    }


# The run ---------------------------------------------------------------------------------------


def run(args) -> dict:
    database_url, seed_env = scratch_database(args)
    targets = pages(seed_env)
    variant = targets.pop("_variant")
    results: dict = {
        "machine": machine(),
        "products": args.products,
        "duration_s": args.duration,
        "worker_class": args.worker_class,
        "rows": [],
    }
    with production_stack(
        workdir=args.workdir / "stack",
        database_url=database_url,
        redis_url=args.redis_url,
        media_root=args.workdir / "media",
        nodes=1,
        celery=False,
        # The API's per-client limits would answer most of a benchmark's requests with 429.
        extra_env={
            "API_THROTTLE_ANON": "1000000/second",
            "API_THROTTLE_USER": "1000000/second",
            "GUNICORN_WORKER_CLASS": args.worker_class,
        },
    ) as stack:
        gunicorn = f"http://{stack.nodes[0]}"
        direct = ["X-Forwarded-Proto: https"]  # as Nginx says it; Gunicorn trusts loopback
        basket = basket_session(stack, variant)
        static = re.search(
            r"/static/css/store\.[0-9a-f]+\.css",
            urllib.request.urlopen(
                urllib.request.Request(gunicorn + "/", headers={"X-Forwarded-Proto": "https"})
            )
            .read()
            .decode(),
        ).group(0)

        def measure(name: str, via: str, url: str, headers: list[str], cold: bool = False):
            for connections in args.connections:
                row = {
                    "page": name,
                    "via": via,
                    "connections": connections,
                    **wrk(url, connections, args.duration, headers, cold=cold),
                }
                results["rows"].append(row)
                print(
                    f"{name:<26} {via:<9} c={connections:<3} {row['rps']:>8.1f} rps  "
                    f"p50 {row['p50_ms']:>7.2f}  p95 {row['p95_ms']:>7.2f}  "
                    f"p99 {row['p99_ms']:>7.2f} ms"
                    f"{'  non-2xx ' + str(row['non_2xx']) if row['non_2xx'] else ''}",
                    flush=True,
                )

        category = targets["category listing"]
        measure("static file", "nginx", stack.url + static, [])
        measure("/robots.txt", "gunicorn", gunicorn + "/robots.txt", direct)
        if args.fast_path:
            # Issue 12's Python path: straight to Gunicorn, each page asked once before.
            for path in (category, targets["product page"]):
                urllib.request.urlopen(
                    urllib.request.Request(gunicorn + path, headers={"X-Forwarded-Proto": "https"})
                ).read()
            with_basket = [*direct, f"Cookie: {basket}"]
            # On a shared machine the floor itself moves from minute to minute: each round
            # measures it again beside the pages, and the verdict takes each page's median
            # ratio to its own round's floor.
            for round_ in range(1, args.rounds + 1):
                if round_ > 1:
                    measure("/robots.txt", "gunicorn", gunicorn + "/robots.txt", direct)
                measure("category listing", "gunicorn", gunicorn + category, direct)
                measure("product page", "gunicorn", gunicorn + targets["product page"], direct)
                measure("category listing, basket", "gunicorn", gunicorn + category, with_basket)
                measure(
                    "category listing, cold", "gunicorn", gunicorn + category, direct, cold=True
                )
            measure(
                "category listing, basket", "nginx", stack.url + category, [f"Cookie: {basket}"]
            )
            results["workers"] = worker_memory(stack)
        else:
            cookie = sign_in(stack, variant)
            measure("/healthz/", "gunicorn", gunicorn + "/healthz/", direct)
            for name, path in targets.items():
                headers = [f"Cookie: {cookie}"] if name == "signed-in basket" else []
                measure(name, "gunicorn", gunicorn + path, direct + headers)
                measure(name, "nginx", stack.url + path, headers)
                if name in COLD:
                    # Every request a query never seen: rendered from the database each time.
                    measure(f"{name}, cold", "gunicorn", gunicorn + path, direct, cold=True)
            measure(
                "category listing, basket",
                "gunicorn",
                gunicorn + category,
                [*direct, f"Cookie: {basket}"],
            )
            results["workers"] = worker_memory(stack)
            results["lighthouse"] = {
                name: lighthouse(stack.url + path, args.workdir)
                for name, path in (
                    ("home", "/"),
                    ("category", category),
                    ("product", targets["product page"]),
                )
            }
        results["profile"] = profile(args, stack, category)
    results["verdict"] = verdict(results)
    return results


def profile(args, stack, path: str) -> str:
    """cProfile's top functions of the warm category page (bench/profile_page.py), in this
    checkout's code, against the stack's database and Redis."""
    done = subprocess.run(
        [
            PYTHON,
            str(ROOT / "bench" / "profile_page.py"),
            "--database",
            args.database,
            "--db-user",
            args.db_user,
            "--redis-url",
            args.redis_url,
            "--static-root",
            str(args.workdir / "stack" / "static"),
            "--media-root",
            str(args.workdir / "media"),
            "--path",
            path,
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        capture_output=True,
        text=True,
        check=False,
    )
    return (done.stdout or done.stderr).strip()


def rate(results, page, via, connections=16) -> dict | None:
    return next(
        (
            r
            for r in results["rows"]
            if r["page"] == page and r["via"] == via and r["connections"] == connections
        ),
        None,
    )


def floor_ratios(results, page: str) -> list[float]:
    """Each measurement of `page` straight to Gunicorn at 16 connections, as a fraction of the
    floor measured last before it (the same round's)."""
    ratios, floor = [], None
    for row in results["rows"]:
        if row["via"] != "gunicorn" or row["connections"] != 16:
            continue
        if row["page"] == "/robots.txt":
            floor = row["rps"]
        elif row["page"] == page and floor:
            ratios.append(row["rps"] / floor)
    return ratios


def target(value, goal: float, *, at_least: bool) -> dict:
    return {
        "value": value,
        "target": f"{'>=' if at_least else '<'} {goal}",
        "met": value >= goal if at_least else value < goal,
    }


def verdict(results) -> dict:
    """Each target with what was measured. "Uncached" means not from Nginx's cache: straight to
    Gunicorn, with the store's own caches of rendered catalog parts warm; "cold" rows bypass
    those too. The fast path's targets are fractions of the floor's throughput (`/robots.txt`
    from Gunicorn), at 16 connections, from this one run."""
    static = rate(results, "static file", "nginx")["rps"]
    found: dict = {}
    for page, goal in FLOOR_TARGETS.items():
        if ratios := floor_ratios(results, page):
            found[f"{page} / floor"] = target(
                round(statistics.median(ratios), 3), goal, at_least=True
            )
    if row := rate(results, "category listing, basket", "nginx"):
        found["category listing, basket, via Nginx / static file"] = target(
            round(row["rps"] / static, 3), 0.3, at_least=True
        )
    heaviest = max((w["rss_mb"] for w in results["workers"]), default=0)
    found["heaviest worker RSS (MB)"] = target(heaviest, TARGETS["worker_mb"], at_least=False)
    healthz = rate(results, "/healthz/", "gunicorn")
    if healthz is None:  # --fast-path
        return found
    healthz = healthz["rps"]
    category = rate(results, "category listing", "gunicorn")["rps"]
    cold = rate(results, "category listing, cold", "gunicorn")["rps"]
    cached = min(
        rate(results, page, "nginx")["rps"] for page in ("home", "category listing", "product page")
    )
    straight = [
        r
        for r in results["rows"]
        if r["via"] == "gunicorn"
        and r["connections"] == 16
        and r["page"] not in ("/healthz/", "/robots.txt")
    ]
    warm_p95 = max(r["p95_ms"] for r in straight if not r["page"].endswith(", cold"))
    cold_p95 = max(r["p95_ms"] for r in straight if r["page"].endswith(", cold"))
    return {
        **found,
        "category listing / healthz": target(
            round(category / healthz, 2), TARGETS["category_vs_healthz"], at_least=True
        ),
        "category listing, cold / healthz": target(
            round(cold / healthz, 2), TARGETS["category_vs_healthz"], at_least=True
        ),
        "cached pages / static file": target(
            round(cached / static, 2), TARGETS["cached_vs_static"], at_least=True
        ),
        "worst p95 at 16, Gunicorn (ms)": target(warm_p95, TARGETS["p95_ms_at_16"], at_least=False),
        "worst p95 at 16, Gunicorn, cold (ms)": target(
            cold_p95, TARGETS["p95_ms_at_16"], at_least=False
        ),
        **{
            f"Lighthouse {page} {kind}": target(score.get(kind) or 0, minimum, at_least=True)
            for page, score in results["lighthouse"].items()
            for kind, minimum in TARGETS["lighthouse"].items()
        },
    }


def table(results) -> str:
    lines = [
        "| page | via | conns | req/s | p50 ms | p95 ms | p99 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r['page']} | {r['via']} | {r['connections']} | {r['rps']:.0f} "
        f"| {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} |"
        for r in results["rows"]
    ]
    lines += ["", "| target | measured | goal | met |", "| --- | ---: | --- | --- |"]
    lines += [
        f"| {name} | {v['value']} | {v['target']} | {'yes' if v['met'] else 'no'} |"
        for name, v in results["verdict"].items()
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--database", default="dress_store_bench")
    parser.add_argument("--db-user", default=os.environ.get("BENCH_DB_USER", "postgres"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dress-store-bench"
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse the scratch database if it exists"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument(
        "--fast-path",
        action="store_true",
        help="only the floor and the fast path's pages, at 16 connections (issue 12)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="with --fast-path: rounds of the floor and the pages; ratios are medians",
    )
    parser.add_argument(
        "--worker-class",
        default="sync",
        choices=["sync", "gthread"],
        help="Gunicorn's workers (2 of them) for this run; production's default is gthread",
    )
    args = parser.parse_args()
    if args.fast_path and args.connections == [1, 16]:
        args.connections = [16]
    for program in ("wrk", "nginx"):
        if not shutil.which(program) and not Path(f"/usr/sbin/{program}").exists():
            sys.exit(f"The benchmark needs {program} (apt-get install {program}).")
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = run(args)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print()
    print(table(results))
    print(f"\nWorkers ({args.worker_class}): {results['workers']}")
    print(f"Machine: {results['machine']}\nJSON: {args.json}\n\n{results['profile']}")


if __name__ == "__main__":
    main()
