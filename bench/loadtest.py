"""The sale-day load test: seed a catalog into a scratch database, run the deployed stack
(deploy/stack.py: Nginx, two Gunicorn nodes, the Celery worker, the Stripe stand-in), ramp Locust's
shoppers up (bench/locustfile.py) until errors or p95 cross the limits, then prove the books and
print the table.

    .venv/bin/python bench/loadtest.py [--products 2000] [--keep] [--steps 20 40 80 ...]

For the run only, and said so in the report: Nginx's per-address limits are taken out of the
rendered site (every virtual shopper comes from 127.0.0.1), and the limit of unpaid orders per
client (MAX_UNPAID_ORDERS, keyed on that same address) is raised. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path

import psycopg
import run as bench  # bench/run.py: the scratch database, the machine's description
from aiosmtpd.controller import Controller

ROOT = bench.ROOT
from deploy.stack import free_port, production_stack  # noqa: E402

PASSWORD = "sale day passphrase 42"
# The store's pages are held to PAGE_MS at p95, its form submits that do deliberate work (the
# order and Stripe's session; the password hash) to SUBMIT_MS. The stand-in's pages are
# Stripe's, not ours: measured, not judged.
PAGE_MS, SUBMIT_MS = 200, 1000
SUBMITS = ("checkout submit", "sign-in submit")
NOT_OURS = ("stand-in pay page", "stand-in pay")
ORDER = [
    "home",
    "category",
    "filtered category",
    "search",
    "product",
    "basket add",
    "basket",
    "sign-in page",
    "sign-in submit",
    "checkout page",
    "checkout submit",
    "stand-in pay page",
    "stand-in pay",
    "checkout success",
]


# Before the run -------------------------------------------------------------------------------


def catalog(env: dict, accounts: int, path: Path) -> None:
    """What the shoppers visit, in the seeded catalog, and their accounts (confirmed, with one
    password hashed once), written to `path` as JSON."""
    bench.django(
        env,
        f"""
import json, random
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from accounts.models import User
from catalog.models import CategoryPage, Colour, ProductPage, Size

rng = random.Random(12)
products = []
for product in ProductPage.objects.live().order_by("pk"):
    variants = [v.pk for v in product.variants.all() if v.stock >= 5]
    if variants:
        products.append({{"url": product.url, "variants": variants}})
rng.shuffle(products)
categories = [page.url for page in CategoryPage.objects.live().order_by("path")]
rng.shuffle(categories)
sizes = list(Size.objects.values_list("slug", flat=True))
colours = list(Colour.objects.values_list("slug", flat=True))
filters = (
    [f"size={{s}}&in_stock=on" for s in sizes]
    + [f"colour={{c}}" for c in colours]
    + [f"size={{s}}&colour={{c}}&sort=price" for s in sizes[:3] for c in colours[:3]]
    + ["sort=price", "sort=-price", "in_stock=on&sort=newest", "min_price=50&max_price=150",
       "page=2"]
)
words = sorted({{w.lower() for t in ProductPage.objects.live().values_list("title", flat=True)
               for w in t.split()[:2]}})
emails = [f"loadtest-{{i}}@example.com" for i in range({accounts})]
have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
for email in emails:
    if email not in have:
        User.objects.create_user(email)
users = User.objects.filter(email__in=emails)
users.update(password=make_password("{PASSWORD}"))
for user in users:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={{"verified": True, "primary": True}})
with open("{path}", "w") as out:
    json.dump({{"products": products, "categories": categories, "filters": filters,
               "searches": words[:40] + ["dress", "linen dress", "silk"],
               "accounts": emails}}, out)
print(len(products))
""",
    )


def snapshot(database_url: str) -> tuple[dict[int, int], dict[str, int]]:
    """Every variant's stock, and the last order's and mail's ids, before the shoppers come:
    the books count what came after (a reused database holds an earlier run's)."""
    with psycopg.connect(database_url) as db:
        stock = dict(db.execute("SELECT id, stock FROM catalog_productvariant").fetchall())
        last = {
            table: db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("checkout_order", "mail_outboxmessage")
        }
    return stock, last


class Mailbox:
    """A loopback SMTP server that keeps every message's subject."""

    def __init__(self) -> None:
        self.subjects: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=email_policy)
        with self.lock:
            self.subjects.append(str(message["Subject"]))
        return "250 Message accepted for delivery"


# The run --------------------------------------------------------------------------------------


def run_locust(stack, plan: dict, workdir: Path) -> list[dict]:
    plan_path = workdir / "plan.json"
    plan_path.write_text(json.dumps(plan))
    log = workdir / "locust.log"
    timeout = len(plan["steps"]) * plan["step_seconds"] + 120
    started = time.monotonic()
    with log.open("w") as output:
        subprocess.run(
            [
                bench.PYTHON,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--host",
                stack.url,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, "LOADTEST_PLAN": str(plan_path), "NO_PROXY": "127.0.0.1,localhost"},
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    print(f"Locust ran {time.monotonic() - started:.0f} s (log: {log})", flush=True)
    out = Path(plan["out"])
    return json.loads(out.read_text()) if out.exists() else []


def settle(stack, database_url: str, mailbox: Mailbox, last: dict, timeout: float = 180) -> None:
    """Wait for the stand-in's webhooks to be delivered and the worker's mail to arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivered = {d["event_id"] for d in stack.stripe.deliveries}
        undelivered = [e for e in stack.stripe.events if e["id"] not in delivered]
        with psycopg.connect(database_url) as db:
            queued = db.execute(
                "SELECT COUNT(*) FROM mail_outboxmessage WHERE id > %s",
                [last["mail_outboxmessage"]],
            ).fetchone()[0]
        unsent = queued - len(mailbox.subjects)
        if not undelivered and unsent <= 0:
            return
        time.sleep(1)
    print(
        f"Still unsettled after {timeout:.0f} s: {len(undelivered)} webhook(s) undelivered, "
        f"{unsent} mail(s) not received",
        flush=True,
    )


# The books ------------------------------------------------------------------------------------


def books(stack, database_url: str, stock_before: dict[int, int], last: dict, mailbox):
    """Every order paid at the stand-in is paid in the store exactly once (one payment, one
    move to paid, one confirmation mail), and no order is paid in the store that the stand-in
    did not take; no variant below zero; for every variant, stock now + units in paid and
    pending orders = stock before. Returns (lines to print, discrepancies)."""
    problems: list[str] = []
    last_order = last["checkout_order"]
    paid_sessions = {
        event["data"]["object"]["id"]: event["data"]["object"].get("client_reference_id")
        for event in stack.stripe.events
        if event["type"] == "checkout.session.completed"
        and event["data"]["object"]["payment_status"] == "paid"
    }
    with psycopg.connect(database_url) as db:
        orders = db.execute(
            "SELECT stripe_session_id, number, payment_status, id FROM checkout_order "
            "WHERE id > %s",
            [last_order],
        ).fetchall()
        by_session = {row[0]: row[1:] for row in orders if row[0]}
        by_status = Counter(status for _session, _number, status, _id in orders)
        payments = Counter(
            session
            for (session,) in db.execute(
                "SELECT p.stripe_session_id FROM checkout_payment p "
                "JOIN checkout_order o ON o.id = p.order_id WHERE o.id > %s",
                [last_order],
            ).fetchall()
        )
        moved_to_paid = Counter(
            order
            for (order,) in db.execute(
                "SELECT c.order_id FROM checkout_orderstatuschange c "
                "WHERE c.order_id > %s AND c.kind = 'payment' AND c.to_status = 'paid'",
                [last_order],
            ).fetchall()
        )
        held = defaultdict(int)
        for variant, quantity in db.execute(
            "SELECT l.variant_id, l.quantity FROM checkout_orderline l "
            "JOIN checkout_order o ON o.id = l.order_id "
            "WHERE o.id > %s AND o.payment_status IN ('paid', 'pending')",
            [last_order],
        ).fetchall():
            held[variant] += quantity
        stock_now = dict(db.execute("SELECT id, stock FROM catalog_productvariant").fetchall())
        outbox = Counter(
            state
            for (state,) in db.execute(
                "SELECT state FROM mail_outboxmessage WHERE kind = 'orders/confirmation' "
                "AND id > %s",
                [last["mail_outboxmessage"]],
            ).fetchall()
        )

    mails = Counter()
    number = re.compile(r"DS-[0-9A-Z]{8}")
    for subject in mailbox.subjects:
        for found in number.findall(subject):
            mails[found] += 1

    for session, reference in sorted(paid_sessions.items()):
        order = by_session.get(session)
        if order is None:
            problems.append(f"paid at the stand-in, no order in the store: {session} ({reference})")
            continue
        order_number, status, order_id = order
        if status != "paid":
            problems.append(f"{order_number}: paid at the stand-in, {status} in the store")
        if payments[session] != 1:
            problems.append(f"{order_number}: {payments[session]} payments recorded, not 1")
        if moved_to_paid[order_id] != 1:
            problems.append(f"{order_number}: moved to paid {moved_to_paid[order_id]} times")
        if mails[order_number] != 1:
            problems.append(f"{order_number}: {mails[order_number]} confirmation mails, not 1")
    for session, order_number, status, _id in orders:
        if status == "paid" and session not in paid_sessions:
            problems.append(f"{order_number}: paid in the store, not at the stand-in")
    for variant, stock in sorted(stock_now.items()):
        if stock < 0:
            problems.append(f"variant {variant}: stock {stock}")
        before = stock_before.get(variant)
        if before is not None and stock + held[variant] != before:
            problems.append(
                f"variant {variant}: {stock} now + {held[variant]} in paid and pending orders "
                f"!= {before} before"
            )

    fives = five_hundreds(stack)
    for log, lines in fives.items():
        problems += [f"5xx in {log}: {line}" for line in lines[:20]]
    failed_deliveries = [
        d
        for d in stack.stripe.deliveries
        if not (isinstance(d["status"], int) and d["status"] < 300)
    ]
    report = [
        f"paid at the stand-in:  {len(paid_sessions)} checkout sessions",
        f"orders in the store:   {len(orders)} "
        f"({', '.join(f'{s} {n}' for s, n in sorted(by_status.items())) or 'none'})",
        f"payments recorded:     {sum(payments.values())}; moves to paid: "
        f"{sum(moved_to_paid.values())}",
        f"confirmation mails:    {sum(mails[o[1]] for o in orders)} received by SMTP "
        f"(outbox: {dict(outbox)})",
        f"webhook deliveries:    {len(stack.stripe.deliveries)} "
        f"({len(failed_deliveries)} not 2xx, retried by the stand-in)",
        f"variants checked:      {len(stock_before)}; units in paid orders and pending orders: "
        f"{sum(held.values())}; lowest stock now: {min(stock_now.values(), default=0)}",
        "5xx in the logs:       "
        + ", ".join(f"{log} {len(lines)}" for log, lines in fives.items()),
        f"discrepancies:         {len(problems) or 'none'}",
        *(f"  - {problem}" for problem in problems),
    ]
    return report, problems


def five_hundreds(stack) -> dict[str, list[str]]:
    """Lines with a 5xx status in Nginx's access log and each Gunicorn node's."""
    status = re.compile(r'"[A-Z]+ \S+ HTTP/[\d.]+" (5\d\d) ')
    logs = {"nginx": stack.node_logs[0].parent / "dress_store.access.log"}
    logs |= {f"gunicorn {i + 1}": log for i, log in enumerate(stack.node_logs)}
    return {
        name: [
            line for line in path.read_text(errors="replace").splitlines() if status.search(line)
        ]
        for name, path in logs.items()
    }


# The report -----------------------------------------------------------------------------------


def budget(name: str) -> int | None:
    if name in NOT_OURS:
        return None
    return SUBMIT_MS if name in SUBMITS else PAGE_MS


def held(step: dict) -> bool:
    """No errors, and every page of ours within its p95 budget."""
    return step["total"]["failures"] == 0 and all(
        figures["p95_ms"] < budget(name)
        for name, figures in step["pages"].items()
        if budget(name) is not None
    )


def tables(steps: list[dict]) -> str:
    lines = [
        "| users | req/s | errors | worst page p95 ms (which) | checkout submit p95 ms | held |",
        "| ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for step in steps:
        ours = {n: f["p95_ms"] for n, f in step["pages"].items() if budget(n) == PAGE_MS}
        worst = max(ours, key=ours.get, default="")
        submit = step["pages"].get("checkout submit", {}).get("p95_ms", 0)
        lines.append(
            f"| {step['users']} | {step['total']['rps']:.0f} | {step['total']['failures']} "
            f"| {ours.get(worst, 0):.0f} ({worst}) | {submit:.0f} | "
            f"{'yes' if held(step) else 'no'} |"
        )
    best = [step for step in steps if held(step)]
    if best:
        lines += [
            "",
            f"Highest number of shoppers held (no errors, p95 within budget): "
            f"**{best[-1]['users']}**, {best[-1]['total']['rps']:.0f} req/s.",
        ]
    else:
        lines += ["", "No step was held within the limits."]
    shown = [best[-1]] if best else []
    if steps and (not best or best[-1] is not steps[-1]):
        shown.append(steps[-1])
    for step in shown:
        lines += ["", *page_table(step)]
    return "\n".join(lines)


def page_table(step: dict) -> list[str]:
    lines = [
        f"{step['users']} shoppers, {step['seconds']:.0f} s measured"
        f"{'' if held(step) else ' (not held)'}:",
        "",
        "| page type | requests | req/s | p50 ms | p95 ms | p99 ms | budget (p95) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    names = sorted(
        (name for name, figures in step["pages"].items() if figures["requests"]),
        key=lambda name: ORDER.index(name) if name in ORDER else len(ORDER),
    )
    for name in names:
        f = step["pages"][name]
        limit = budget(name)
        lines.append(
            f"| {name} | {f['requests']} | {f['rps']:.1f} | {f['p50_ms']:.0f} "
            f"| {f['p95_ms']:.0f} | {f['p99_ms']:.0f} | {f'{limit} ms' if limit else 'not ours'} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--database", default="dress_store_saleday")
    parser.add_argument("--db-user", default=os.environ.get("BENCH_DB_USER", "postgres"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dress-store-saleday"
    )
    parser.add_argument("--keep", action="store_true", help="reuse the scratch database")
    parser.add_argument(
        "--steps", type=int, nargs="+", default=[10, 20, 30, 40, 60, 80, 100, 130, 160, 200]
    )
    parser.add_argument("--step-seconds", type=int, default=50)
    parser.add_argument("--warmup-seconds", type=int, default=12)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "loadtest.json")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    database_url, seed_env = bench.scratch_database(args)
    catalog_path = args.workdir / "catalog.json"
    catalog(seed_env, args.accounts, catalog_path)
    mailbox = Mailbox()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    try:
        with production_stack(
            workdir=args.workdir / "stack",
            database_url=database_url,
            redis_url=args.redis_url,
            media_root=args.workdir / "media",
            nodes=2,
            email_url=f"smtp://127.0.0.1:{smtp_port}",
            # For the run only: every virtual shopper is 127.0.0.1 (see the module's doc).
            nginx_rate_limits=False,
            extra_env={
                "MAX_UNPAID_ORDERS": "1000000",
                "API_THROTTLE_ANON": "1000000/second",
                "API_THROTTLE_USER": "1000000/second",
            },
        ) as stack:
            stock_before, last = snapshot(database_url)
            plan = {
                "catalog": json.loads(catalog_path.read_text()),
                "password": PASSWORD,
                "stripe_url": stack.stripe.url,
                "steps": args.steps,
                "step_seconds": args.step_seconds,
                "warmup_seconds": args.warmup_seconds,
                "spawn_rate": 20,
                "budgets": {
                    "page_ms": PAGE_MS,
                    "submit_ms": SUBMIT_MS,
                    "submits": SUBMITS,
                    "not_ours": NOT_OURS,
                },
                # Ramping goes on past the budgets, to show how the store degrades, and stops
                # where errors pass 1% or a page's p95 is five times its budget.
                "stop": {"error_rate": 0.01, "p95_factor": 5},
                "out": str(args.workdir / "steps.json"),
            }
            plan["accounts"] = plan["catalog"].pop("accounts")
            Path(plan["out"]).unlink(missing_ok=True)
            load_before = Path("/proc/loadavg").read_text().split()[:3]
            steps = run_locust(stack, plan, args.workdir)
            load_after = Path("/proc/loadavg").read_text().split()[:3]
            settle(stack, database_url, mailbox, last)
            report, problems = books(stack, database_url, stock_before, last, mailbox)
    finally:
        smtp.stop()

    results = {
        "machine": bench.machine(),
        # Everything shares the machine's cores, other people's work included: its load
        # average (1, 5, 15 min) as the shoppers came and as they left.
        "load_average": {"before": load_before, "after": load_after},
        "products": args.products,
        "steps": steps,
        "books": report,
        "discrepancies": len(problems),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print("\nBooks\n" + "\n".join(f"  {line}" for line in report))
    print("\n" + tables(steps))
    print(f"\nMachine: {results['machine']}\nLoad average: {results['load_average']}")
    print(f"JSON: {args.json}")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
