"""Faults, measured: the store as deployed (Nginx, Gunicorn, a Celery worker, the Stripe
stand-in) on a PostgreSQL and a Redis of its own, which these tests stop and restart under it;
Stripe made slow; the mail relay down for an hour of simulated time.

Every request goes through Nginx over HTTPS, checked against the stack's throwaway
certificate. The figures each test measures are printed (`pytest -s` shows them)."""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from unittest import mock
from urllib.parse import urlsplit

import pytest
import requests
from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from catalog.models import ProductPage, ProductVariant
from checkout.models import Order, PaymentStatus
from deploy.faults import FaultServers
from deploy.stack import Stack, production_stack
from mail.delivery import deliver_message, due_messages
from mail.models import OutboxMessage

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long and unusual passphrase"
PENDING, SENT = OutboxMessage.State.PENDING, OutboxMessage.State.SENT


# The store, and a shopper's requests to it ----------------------------------------------------


@dataclass
class Store:
    stack: Stack
    servers: FaultServers
    smtp: object  # the test's SMTP server (conftest.Inbox)
    product: ProductPage
    variant: ProductVariant

    @property
    def product_path(self) -> str:
        return f"/shop/dresses/{self.product.slug}/"


def run_store(servers, smtp, make_product, tmp_path_factory, *, smtp_port=None, **options):
    """The production stack on the fault servers, sending mail to `smtp_port` (the test's SMTP
    server's by default), selling one dress: M, black, 3 pieces, at 120.00."""
    product = make_product(
        title="Fault Slip Dress", price=Decimal("120.00"), stock={("M", "Black"): 3}
    )
    with production_stack(
        workdir=tmp_path_factory.mktemp("faults"),
        database_url=servers.database_url,
        redis_url=servers.redis.url(0),
        media_root=settings.MEDIA_ROOT,
        email_url=f"smtp://127.0.0.1:{smtp_port or smtp.port}",
        static_root=tmp_path_factory.getbasetemp() / "static",
        nodes=1,
        **options,
    ) as stack:
        yield Store(stack, servers, smtp, product, product.variants.get())


@pytest.fixture
def store(fault_database, smtp_server, make_product, tmp_path_factory):
    yield from run_store(fault_database, smtp_server, make_product, tmp_path_factory)


class Shopper:
    """A browser's requests through Nginx: cookies kept, redirects not followed, a POST sent
    with the CSRF token and the Origin a browser sends."""

    def __init__(self, stack) -> None:
        self.base = stack.url
        # requests would prefer REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (set on these machines) to
        # the session's own `verify`, and the environment's proxies to none: trust neither.
        self.http = direct()
        self.http.verify = str(stack.certificate)

    def get(self, path: str, *, timeout: float = 60) -> requests.Response:
        return self.http.get(self.base + path, allow_redirects=False, timeout=timeout)

    def post(self, path: str, data: dict, *, timeout: float = 60) -> requests.Response:
        return self.http.post(
            self.base + path,
            data={"csrfmiddlewaretoken": self.http.cookies.get("csrftoken", ""), **data},
            headers={"Origin": self.base, "Referer": self.base + path},
            allow_redirects=False,
            timeout=timeout,
        )

    def fill_basket(self, store: Store) -> requests.Response:
        assert self.get(store.product_path).status_code == 200
        added = self.post("/basket/add/", {"variant": store.variant.pk, "quantity": "1"})
        assert (added.status_code, added.headers["Location"]) == (302, "/basket/")
        return added

    def check_out(self, email: str, *, timeout: float = 60) -> requests.Response:
        assert self.get("/checkout/").status_code == 200
        return self.post("/checkout/", {**GUEST, "email": email}, timeout=timeout)


GUEST = {
    "full_name": "Fay Fault",
    "line1": "5 Outage Lane",
    "line2": "",
    "postcode": "97201",
    "city": "Portland",
    "region": "OR",
    "country": "US",
    "phone": "",
    "shipping_method": "standard",
    "discount_code": "",
    "pay": "1",
}


def direct() -> requests.Session:
    """HTTP to the stand-ins on loopback, past any proxy the environment names."""
    http = requests.Session()
    http.trust_env = False
    return http


def pay_at_stripe(payment_url: str) -> str:
    """Press Pay on the stand-in's checkout page; the path Stripe sends the shopper back to."""
    paid = direct().post(payment_url + "/pay", allow_redirects=False, timeout=10)
    assert paid.status_code == 303
    back = urlsplit(paid.headers["Location"])
    return f"{back.path}?{back.query}"


def beat_tick(redis_url: str, task: str = "mail.tasks.requeue_unsent") -> None:
    """What Celery beat does each minute: send the task, by name, to the worker's queue."""
    beat = Celery("beat", broker=redis_url, set_as_current=False)
    try:
        beat.send_task(task, queue="dress_store")
    finally:
        beat.close()


def a_minute_passes() -> None:
    OutboxMessage.objects.filter(state=PENDING).update(
        next_attempt_at=F("next_attempt_at") - timedelta(minutes=1)
    )


def outbox() -> list[tuple[str, str, str, int]]:
    return list(OutboxMessage.objects.order_by("pk").values_list("to", "kind", "state", "attempts"))


def wait_until(condition, *, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.1)
    return result


def friendly_unavailable_page(response: requests.Response) -> bool:
    return (
        response.headers.get("Content-Type", "").startswith("text/html")
        and "The Dress Store" in response.text
        and "Traceback" not in response.text
        and response.headers.get("Strict-Transport-Security", "").startswith("max-age=")
    )


# Redis ----------------------------------------------------------------------------------------


def test_with_redis_stopped_a_shopper_signs_up_and_pays_and_each_mail_goes_once_it_is_back(
    store,
):
    stack, redis, shopper = store.stack, store.servers.redis, Shopper(store.stack)

    # Given the store, serving (its product's pictures made), with its Redis stopped: the cache,
    # the rate limits' counters and Celery's queue are gone
    assert shopper.get(store.product_path).status_code == 200
    redis.stop()

    # When a shopper signs up, fills a basket, checks out and pays
    form = shopper.get("/accounts/signup/")
    signed_up = shopper.post(
        "/accounts/signup/",
        {"email": "rita@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    product_page = shopper.get(store.product_path)
    added = shopper.post("/basket/add/", {"variant": store.variant.pk, "quantity": "2"})
    basket = shopper.get("/basket/")
    checkout = shopper.get("/checkout/")
    to_stripe = shopper.post("/checkout/", {**GUEST, "email": "rita@example.com"})
    back_from_stripe = shopper.get(pay_at_stripe(to_stripe.headers["Location"]))
    health = shopper.get("/healthz/")

    # Then every page answered as usual, and at once
    answers = [form, signed_up, product_page, added, basket, checkout, to_stripe, back_from_stripe]
    print(
        "\nRedis stopped, seconds per answer:",
        [round(a.elapsed.total_seconds(), 3) for a in answers],
    )
    assert [answer.status_code for answer in answers] == [200, 302, 200, 302, 200, 200, 303, 200]
    assert signed_up.headers["Location"] == "/accounts/confirm-email/"
    assert "Fault Slip Dress" in basket.text
    assert "Thank you for your order" in back_from_stripe.text
    # (none waits on Redis; the slowest is the sign-up, which hashes the password: one to two
    # seconds on these machines)
    # (room left for a busy machine: the pages took 0.06-0.4 s on a quiet one)
    assert max(answer.elapsed.total_seconds() for answer in answers) < 4
    assert health.status_code == 503
    assert health.json() == {
        "status": "error",
        "database": "ok",
        "redis": "error: no round trip (cache)",
    }

    # And nothing is lost: the order is paid for its two pieces, both mails wait in the outbox
    stack.stripe.wait_for_deliveries(1)
    order = Order.objects.get(email="rita@example.com")
    assert order.payment_status == PaymentStatus.PAID
    assert [line.quantity for line in order.lines.all()] == [2]
    assert outbox() == [
        ("rita@example.com", "email_confirmation_signup", PENDING, 0),
        ("rita@example.com", "orders/confirmation", PENDING, 0),
    ]
    assert store.smtp.messages == []

    # When Redis is back, and a minute later beat's tick re-queues what waits
    redis.start()
    a_minute_passes()
    beat_tick(redis.url(0))

    # Then the worker, reconnected by itself, sends each mail once
    back = time.monotonic()
    store.smtp.wait_for(2, timeout=60)
    print(f"Redis back: both mails delivered {time.monotonic() - back:.1f} s after the tick")
    a_minute_passes()
    beat_tick(redis.url(0))
    time.sleep(3)
    assert sorted(message["Subject"] for message in store.smtp.messages) == [
        "Confirm your email address for The Dress Store",
        f"Your order {order.number} at The Dress Store",
    ]
    assert outbox() == [
        ("rita@example.com", "email_confirmation_signup", SENT, 1),
        ("rita@example.com", "orders/confirmation", SENT, 1),
    ]

    # And the web nodes queue again by themselves: the next mail goes without waiting for beat
    signed_up = shopper.post(
        "/accounts/signup/",
        {"email": "sam@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert signed_up.status_code == 302
    store.smtp.wait_for(3, timeout=15)
    assert len(store.smtp.to("sam@example.com")) == 1


# PostgreSQL -----------------------------------------------------------------------------------


class Load:
    """Threads that keep asking for pages until stopped (or for at most `limit` seconds), and
    note when each answer came, what it was and how long it took."""

    def __init__(self, stack, paths: list[tuple[str, dict]], *, limit: float = 60) -> None:
        self.stack, self.paths, self.limit = stack, paths, limit
        self.answers: list[dict] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(path, cookies), daemon=True)
            for path, cookies in paths
        ]
        self.started = time.monotonic()

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _run(self, path: str, cookies: dict) -> None:
        http = direct()
        http.verify = str(self.stack.certificate)
        http.cookies.update(cookies)
        while not self._stop.is_set() and time.monotonic() - self.started < self.limit:
            sent, response = time.monotonic(), None
            try:
                response = http.get(self.stack.url + path, allow_redirects=False, timeout=40)
                status, text = response.status_code, response.text
                headers = response.headers
            except requests.RequestException as error:
                status, text, headers = type(error).__name__, "", {}
            self.answers.append(
                {
                    "path": path,
                    "sent": sent,
                    "took": time.monotonic() - sent,
                    "status": status,
                    "text": text,
                    "cache": headers.get("X-Cache-Status", ""),
                    "response": response,
                }
            )
            time.sleep(0.02)

    def of(self, path: str, *, sent_after: float = 0, sent_before: float = float("inf")):
        return [
            answer
            for answer in self.answers
            if answer["path"] == path and sent_after <= answer["sent"] < sent_before
        ]


def test_postgresql_restarted_under_load_answers_clearly_and_the_app_reconnects_by_itself(store):
    stack, postgres = store.stack, store.servers.postgres
    # Given shoppers on the catalog (a page in Nginx's cache), one with a basket (the app
    # answers every time: the basket is read from PostgreSQL), and the health check
    shopper = Shopper(stack)
    shopper.fill_basket(store)
    assert Shopper(stack).get("/shop/dresses/").headers["X-Cache-Status"] == "MISS"
    assert Shopper(stack).get("/shop/dresses/").headers["X-Cache-Status"] == "HIT"
    session = {"sessionid": shopper.http.cookies["sessionid"]}
    pids = [process.pid for process in stack.processes]
    paths = [
        ("/shop/dresses/", {}),
        ("/basket/", session),
        ("/basket/", session),
        ("/healthz/", {}),
    ]
    with Load(stack, paths) as load:
        time.sleep(2)

        # When PostgreSQL stops for three seconds under that load, and starts again
        postgres.stop()
        stopped = time.monotonic()
        time.sleep(3)
        restarting = time.monotonic()
        postgres.start()
        started = time.monotonic()
        time.sleep(5)

    # Then while it was down, the basket was a clear page at once, never a 500 or a hang
    down = load.of("/basket/", sent_after=stopped, sent_before=restarting)
    statuses = sorted({answer["status"] for answer in down})
    slowest = max(answer["took"] for answer in down)
    print(
        f"\nPostgreSQL down {restarting - stopped:.1f} s: {len(down)} basket requests, "
        f"statuses {statuses}, slowest answer {slowest:.3f} s"
    )
    assert len(down) > 20
    assert statuses == [503]
    assert slowest < 3  # refused at once, never the 5 s connect timeout
    page = down[-1]["response"]
    assert friendly_unavailable_page(page)
    assert "Your basket is safe" in page.text
    assert page.headers["Retry-After"] == "30"

    # And the catalog went on from Nginx's cache, and the health check said what is wrong
    catalog = load.of("/shop/dresses/", sent_after=stopped, sent_before=restarting)
    assert {answer["status"] for answer in catalog} == {200}
    assert {answer["cache"] for answer in catalog} <= {"HIT", "STALE", "UPDATING"}
    health = load.of("/healthz/", sent_after=stopped, sent_before=restarting)
    assert {answer["status"] for answer in health} == {503}
    assert '"database": "error: OperationalError"' in health[-1]["text"]

    # And once it was back, the same processes answered from it within a second, and only so
    after = load.of("/basket/", sent_after=started)
    first_ok = min(answer["sent"] for answer in after if answer["status"] == 200)
    print(
        f"PostgreSQL back: it took {started - restarting:.2f} s to start, and the basket "
        f"answered 200 again {first_ok - started:.3f} s after"
    )
    assert first_ok - started < 3  # no restart of the app needed
    assert {answer["status"] for answer in after if answer["sent"] > first_ok + 0.5} == {200}
    assert "Fault Slip Dress" in after[-1]["text"]
    assert [process.poll() for process in stack.processes] == [None] * len(pids)
    assert [process.pid for process in stack.processes] == pids


def test_a_postgresql_that_never_answers_is_a_clear_page_within_the_connect_timeout(store):
    stack, postgres = store.stack, store.servers.postgres
    shopper = Shopper(stack)
    # Given the store just started (no connection open yet) and PostgreSQL frozen: connections
    # are taken, and never answered
    postgres.pause()
    try:
        # When a shopper asks for a page, and the health check runs
        answers = {}
        asking = [
            threading.Thread(target=lambda path=path: answers.update({path: shopper.get(path)}))
            for path in ("/basket/", "/healthz/")
        ]
        for thread in asking:
            thread.start()
        for thread in asking:
            thread.join(timeout=60)
    finally:
        postgres.resume()
    basket, health = answers["/basket/"], answers["/healthz/"]
    print(
        f"\nPostgreSQL frozen: the basket answered {basket.status_code} in "
        f"{basket.elapsed.total_seconds():.2f} s, the health check {health.status_code} in "
        f"{health.elapsed.total_seconds():.2f} s"
    )

    # Then both answer within the connect timeout, the basket with the clear page
    assert (basket.status_code, health.status_code) == (503, 503)
    assert friendly_unavailable_page(basket)
    assert health.json()["database"] == "error: OperationalError"
    # (nginx's 30 s would be a wait-out)
    assert max(basket.elapsed.total_seconds(), health.elapsed.total_seconds()) < 10

    # And once PostgreSQL answers again, so does the store
    assert wait_until(
        lambda: shopper.get("/basket/").status_code == 200,
        timeout=10,
        message="The store did not come back with PostgreSQL.",
    )


# Stripe ---------------------------------------------------------------------------------------


def slow_stripe(stack, seconds: float) -> None:
    answer = direct().post(
        f"{stack.stripe.url}/_standin/delay", params={"seconds": seconds}, timeout=5
    )
    assert answer.json() == {"api_delay": seconds}


def seconds_in_gunicorn(stack, request_line: str) -> list[float]:
    """How long the app worked on each request of that line, from Gunicorn's access log."""
    pattern = re.compile(re.escape(f'"{request_line} HTTP/1.1"') + r" \d+ \S+ (\d+)ms")
    return [int(ms) / 1000 for ms in pattern.findall(stack.node_requests(0))]


def test_a_slow_stripe_makes_checkout_wait_at_most_its_timeouts_and_releases_the_order(store):
    stack = store.stack
    # Given Stripe taking 5 s to answer, within the store's 15 s read timeout
    slow_stripe(stack, 5)

    # When a shopper checks out, the checkout waits and goes on to Stripe
    patient = Shopper(stack)
    patient.fill_basket(store)
    to_stripe = patient.check_out("pat@example.com")
    print(f"\nStripe 5 s slow: checkout answered in {to_stripe.elapsed.total_seconds():.2f} s")
    assert to_stripe.status_code == 303
    assert to_stripe.headers["Location"].startswith(stack.stripe.url + "/pay/")
    assert 5 <= to_stripe.elapsed.total_seconds() < 10

    # Given Stripe slower than the store waits: 20 s
    slow_stripe(stack, 20)
    calls_before = len(stack.stripe.api_calls)

    # When another shopper checks out, and meanwhile someone else browses
    unlucky = Shopper(stack)
    unlucky.fill_basket(store)
    answers = {}
    checkout = threading.Thread(
        target=lambda: answers.update(checkout=unlucky.check_out("una@example.com", timeout=90))
    )
    checkout.start()
    time.sleep(2)
    browsing = Shopper(stack).get("/basket/")
    checkout.join(timeout=90)
    assert not checkout.is_alive()
    answer = answers["checkout"]
    took = answer.elapsed.total_seconds()
    in_gunicorn = wait_until(
        lambda: seconds_in_gunicorn(stack, "POST /checkout/")[1:],
        timeout=15,
        message="Gunicorn is still working on the checkout.",
    )[-1]
    print(
        f"Stripe 20 s slow: checkout answered {answer.status_code} in {took:.2f} s; "
        f"Gunicorn's thread was busy {in_gunicorn:.2f} s; Stripe was asked "
        f"{len(stack.stripe.api_calls) - calls_before} times; a page meanwhile took "
        f"{browsing.elapsed.total_seconds():.3f} s"
    )

    # Then the shopper is told clearly, by the store, once the 15 s read timeout is over
    assert answer.status_code == 503
    assert "We could not reach our payment provider just now." in answer.text
    assert "<form" in answer.text  # the checkout form again, filled in
    assert 15 <= took < 20  # the read timeout, not nginx's 30 s
    # And the worker's thread was free once it answered, and others were served meanwhile
    assert in_gunicorn < 20
    assert browsing.status_code == 200
    assert browsing.elapsed.total_seconds() < 3  # not queued behind the slow one
    # And Stripe was asked once: the shopper's next click is the retry
    assert stack.stripe.api_calls[calls_before:] == [("POST", "/v1/checkout/sessions")]
    # And the order is released: cancelled, its piece back on sale
    order = Order.objects.get(email="una@example.com")
    assert order.payment_status == PaymentStatus.CANCELLED
    store.variant.refresh_from_db()
    assert store.variant.stock == 2  # 3, less the first shopper's piece, which waits at Stripe


# SMTP -----------------------------------------------------------------------------------------


class Relay:
    """The mail relay the stack sends through, on a port of its own: up (the test's SMTP
    server), hung (it takes the connection and never says a word), or down (refused)."""

    def __init__(self, inbox, port: int) -> None:
        self.inbox, self.port = inbox, port
        self._controller = None
        self._socket = None

    def up(self) -> None:
        self.down()
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def hang(self) -> None:
        self.down()
        self._socket = socket.create_server(("127.0.0.1", self.port), backlog=16)

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None


@pytest.fixture
def relay(smtp_server):
    from deploy.stack import free_port

    relay = Relay(smtp_server, free_port())
    yield relay
    relay.down()


@pytest.fixture
def store_with_relay(fault_database, relay, make_product, tmp_path_factory):
    relay.hang()
    yield from run_store(
        fault_database,
        relay.inbox,
        make_product,
        tmp_path_factory,
        smtp_port=relay.port,
        extra_env={"EMAIL_TIMEOUT": "3"},
    )


class SimulatedClock:
    """Django's clock in this process, moved on by hand."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self):
        return self.now


def test_smtp_down_for_an_hour_delays_mail_and_then_sends_it_once(
    store_with_relay, relay, settings
):
    store = store_with_relay
    shopper = Shopper(store.stack)

    # Given the mail relay hung: it takes connections and never answers
    # When a shopper signs up
    assert shopper.get("/accounts/signup/").status_code == 200
    signed_up = shopper.post(
        "/accounts/signup/",
        {"email": "hal@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert signed_up.status_code == 302

    # Then the worker gives up on the relay after its timeout, and will try again
    sent = time.monotonic()
    message = wait_until(
        lambda: OutboxMessage.objects.filter(to="hal@example.com", attempts=1).first(),
        timeout=30,
        message="The worker is stuck on its first attempt: the relay never answered.",
    )
    print(f"\nrelay hung: the worker gave up after {time.monotonic() - sent:.1f} s")
    assert message.state == PENDING
    assert message.last_error.startswith(("TimeoutError", "SMTPServerDisconnected"))

    # When the relay is down for an hour, during which beat re-queues every minute what is due
    # (the beat task's code and the worker's, run here on a clock that moves a minute a tick)
    relay.down()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", relay.port
    clock = SimulatedClock()
    tried_at = []
    with mock.patch("django.utils.timezone.now", clock):
        for minute in range(1, 61):
            clock.now += timedelta(minutes=1)
            for message_id in due_messages():
                deliver_message(message_id)
                tried_at.append(minute)

    # Then it was tried less and less often, never given up, never sent
    message.refresh_from_db()
    print(f"relay down an hour: tried again at minutes {tried_at}")
    assert tried_at == [1, 2, 4, 7, 12, 21, 32, 43, 54]
    assert (message.state, message.attempts) == (PENDING, 10)
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at - clock.now == timedelta(minutes=4)
    assert relay.inbox.messages == []

    # When the relay is back, and the clock reaches the next try: beat's tick, on the stack
    relay.up()
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=1)
    )
    beat_tick(store.servers.redis.url(0))

    # Then the mail goes, once, even when the worker's own retry of its first attempt comes
    relay.inbox.wait_for(1, timeout=30)
    wait_until(
        lambda: OutboxMessage.objects.filter(pk=message.pk, state=SENT).exists(),
        timeout=10,
        message="The mail went, but its row was not marked sent.",
    )
    message.refresh_from_db()
    assert message.attempts == 11
    wait_until(
        lambda: "'skipped'" in store.stack.worker_log.read_text(),
        timeout=30,
        message="The worker's own retry never came.",
    )
    beat_tick(store.servers.redis.url(0))
    time.sleep(2)
    assert len(relay.inbox.to("hal@example.com")) == 1
