"""A sale day at The Dress Store, for Locust. bench/loadtest.py runs it, headless, against the
deployed stack and hands it a plan (LOADTEST_PLAN: the catalog to visit, the shoppers' accounts,
the steps of the ramp); see bench/README.md.

Three kinds of shopper, with think times between their steps:
- 70% browse anonymously: home, categories, filtered and sorted listings, search, products;
- 25% fill a basket and keep browsing; a third of them sign in first;
- 5% buy: a product into the basket, checkout, pay at the Stripe stand-in's hosted page, back
  to the success page; half of them signed in.

The ramp (`SaleDayRamp`) holds each number of shoppers for a step, measures the step after a
warm-up, writes what it measured to the plan's `out` file, and stops at the first step whose
error rate or p95 crosses the plan's stop limits.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import uuid
from collections import Counter
from pathlib import Path

from locust import FastHttpUser, LoadTestShape, between, task

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
CATALOG = PLAN["catalog"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PAY_FORM = re.compile(r'action="([^"]+/pay)"')
# Each signed-in shopper has an account of its own: two on one account would share a basket.
ACCOUNTS = iter(PLAN["accounts"])
# What checkouts came to, besides their timings: paid, or sent back to the basket (sold out).
OUTCOMES: Counter[str] = Counter()
HOT = 60  # most views go to a sale's few dozen featured pieces


def popular(items: list):
    """Four picks in five among the first HOT items (the sale's featured pieces), the rest from
    the whole list."""
    if random.random() < 0.8:
        return random.choice(items[:HOT])
    return random.choice(items)


class Shopper(FastHttpUser):
    abstract = True
    wait_time = between(1, 4)
    # Connections are a browser's: kept open for the shopper's visit.
    concurrency = 1

    # Pages --------------------------------------------------------------------------------

    def page(self, name: str, path: str, *, expect: str = "") -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name}: {response.status_code}")
                return ""
            text = response.text or ""
            if expect and expect not in text:
                response.failure(f"{name}: no {expect!r} on the page")
            return text

    def browse(self) -> None:
        """One page, as a browsing shopper picks them."""
        kind = random.choices(
            ("home", "category", "filtered", "search", "product"), weights=(10, 25, 20, 15, 30)
        )[0]
        if kind == "home":
            self.page("home", "/")
        elif kind == "category":
            self.page("category", popular(CATALOG["categories"]))
        elif kind == "filtered":
            category = popular(CATALOG["categories"])
            self.page("filtered category", f"{category}?{random.choice(CATALOG['filters'])}")
        elif kind == "search":
            self.page("search", f"/search/?q={random.choice(CATALOG['searches'])}")
        else:
            self.page("product", popular(CATALOG["products"])["url"], expect="Add to basket")

    # Forms --------------------------------------------------------------------------------

    def post(self, name: str, path: str, data: dict, *, expect: int, referer: str):
        """A form's POST as a browser sends it from one of our pages; redirects not followed,
        so that each step is timed on its own. Returns the response (None on a failure)."""
        headers = {
            "Origin": self.host,
            "Referer": self.host + referer,
            "Sec-Fetch-Site": "same-origin",
        }
        with self.client.post(
            path,
            data=data,
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"{name}: {response.status_code}, not {expect}")
                return None
            response.success()
            return response

    def token(self, name: str, path: str) -> str:
        found = CSRF.search(self.page(name, path))
        return found.group(1) if found else ""

    def sign_in(self) -> None:
        email = next(ACCOUNTS, None)
        if email is None:
            return  # more signed-in shoppers than accounts: this one stays a guest
        token = self.token("sign-in page", "/accounts/login/")
        self.post(
            "sign-in submit",
            "/accounts/login/",
            {"login": email, "password": PLAN["password"], "csrfmiddlewaretoken": token},
            expect=302,
            referer="/accounts/login/",
        )
        self.email = email

    def add_to_basket(self) -> None:
        product = popular(CATALOG["products"])
        self.page("product", product["url"], expect="Add to basket")
        self.post(
            "basket add",
            "/basket/add/",
            {"variant": random.choice(product["variants"]), "quantity": "1"},
            expect=302,
            referer=product["url"],
        )
        self.page("basket", "/basket/")


class AnonymousBrowser(Shopper):
    weight = 70

    @task
    def look_around(self) -> None:
        self.browse()


class BasketFiller(Shopper):
    weight = 25

    def on_start(self) -> None:
        if random.random() < 1 / 3:
            self.sign_in()

    @task(6)
    def look_around(self) -> None:
        self.browse()

    @task(2)
    def add(self) -> None:
        self.add_to_basket()

    @task(1)
    def basket(self) -> None:
        self.page("basket", "/basket/")


class Buyer(Shopper):
    weight = 5
    email = ""

    def on_start(self) -> None:
        if random.random() < 1 / 2:
            self.sign_in()

    @task(2)
    def look_around(self) -> None:
        self.browse()

    @task(1)
    def buy(self) -> None:
        self.add_to_basket()
        token = self.token("checkout page", "/checkout/")
        if not token:
            return
        details = {
            "csrfmiddlewaretoken": token,
            "full_name": "Sale Day Shopper",
            "line1": "1 Load Street",
            "city": "Portland",
            "postcode": "97201",
            "country": "US",
            "shipping_method": "standard",
        }
        if not self.email:  # a guest gives an address; a signed-in shopper's is the account's
            details["email"] = f"guest-{uuid.uuid4().hex[:12]}@example.com"
        submitted = self.post(
            "checkout submit", "/checkout/", details, expect=303, referer="/checkout/"
        )
        if submitted is None:
            return
        payment_page = submitted.headers["Location"]
        if not payment_page.startswith(PLAN["stripe_url"]):
            OUTCOMES["checkout sent back"] += 1
            return
        with self.client.get(payment_page, name="stand-in pay page", catch_response=True) as page:
            form = PAY_FORM.search(page.text or "")
            if page.status_code != 200 or form is None:
                page.failure("stand-in pay page: no Pay button")
                return
        with self.client.post(
            form.group(1), name="stand-in pay", allow_redirects=False, catch_response=True
        ) as paid:
            if paid.status_code != 303:
                paid.failure(f"stand-in pay: {paid.status_code}")
                return
            paid.success()
            back = paid.headers["Location"]
        OUTCOMES["paid"] += 1
        self.page("checkout success", back.removeprefix(self.host), expect="Thank you")


class SaleDayRamp(LoadTestShape):
    """Steps of shoppers, each held `step_seconds`; the first `warmup_seconds` of a step (the
    new shoppers arriving) are not measured."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[int] = PLAN["steps"]
        self.step_seconds: float = PLAN["step_seconds"]
        self.warmup: float = PLAN["warmup_seconds"]
        self.index = 0
        self.measuring_since: float | None = None
        self.results: list[dict] = []

    def tick(self):
        elapsed = self.get_run_time()
        index = int(elapsed // self.step_seconds)
        if index != self.index:
            result = self.record()
            if index >= len(self.steps) or crossed_stop_limits(result):
                return None
            self.index, self.measuring_since = index, None
        if self.measuring_since is None and elapsed - self.index * self.step_seconds >= self.warmup:
            self.runner.stats.reset_all()
            OUTCOMES.clear()
            self.measuring_since = time.monotonic()
        users = self.steps[self.index]
        return users, PLAN["spawn_rate"]

    def record(self) -> dict:
        seconds = time.monotonic() - (self.measuring_since or time.monotonic())
        stats = self.runner.stats
        result = {
            "users": self.steps[self.index],
            "users_running": self.runner.user_count,
            "seconds": round(seconds, 1),
            "pages": {
                name: summary(entry, seconds) for (name, _method), entry in stats.entries.items()
            },
            "total": summary(stats.total, seconds),
            "errors": {
                f"{error.name}: {error.error}": error.occurrences for error in stats.errors.values()
            },
            "outcomes": dict(OUTCOMES),
            # The machine is shared: how busy it was (1, 5 and 15 minutes) as the step ended.
            "load_average": [round(load, 2) for load in os.getloadavg()],
        }
        self.results.append(result)
        Path(PLAN["out"]).write_text(json.dumps(self.results, indent=2))
        return result


def summary(entry, seconds: float) -> dict:
    def percentile(fraction: float) -> float:
        return entry.get_response_time_percentile(fraction) if entry.num_requests else 0

    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.num_requests / seconds, 2) if seconds else 0,
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "max_ms": round(entry.max_response_time or 0),
    }


def judged(pages: dict) -> dict:
    """The store's pages and their budgets; the stand-in's own pages (Stripe's) are not ours."""
    budgets = PLAN["budgets"]
    return {
        name: budgets["submit_ms"] if name in budgets["submits"] else budgets["page_ms"]
        for name in pages
        if name not in budgets["not_ours"]
    }


def crossed_stop_limits(result: dict) -> bool:
    total = result["total"]
    if total["requests"] and total["failures"] / total["requests"] > PLAN["stop"]["error_rate"]:
        return True
    factor = PLAN["stop"]["p95_factor"]
    return any(
        result["pages"][name]["p95_ms"] > budget * factor
        for name, budget in judged(result["pages"]).items()
    )
