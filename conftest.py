"""Fixtures that several apps' tests use: a clean cache, the site tree and a catalog, staff,
Chromium, an SMTP server and a Celery worker, and the GitHub and Stripe stand-ins."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from wagtail.models import Page, Site

# Everything the tests talk to is on loopback; no proxy from the environment may divert it.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _clean_cache():
    """Every test starts with an empty cache (only this worker's keys are touched)."""
    for alias in settings.CACHES:
        caches[alias].delete_pattern("*")


@pytest.fixture(scope="session", autouse=True)
def _media_root():
    # DJANGO_SETTINGS_MODULE in the environment wins over pyproject.toml: a shell set up for
    # production would otherwise run the suite against its database and media.
    if settings.SETTINGS_MODULE != TEST_SETTINGS:
        pytest.exit(f"The tests run under {TEST_SETTINGS}, not {settings.SETTINGS_MODULE}.", 2)
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


TEST_SETTINGS = "dress_store.settings.test"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Transactional tests (the browser's) flush the tables, and with --reuse-db that outlives the
    session; put back the rows that Wagtail's and our data migrations make."""
    from accounts.groups import ensure_staff_groups
    from demo.roots import ensure_roots

    with django_db_blocker.unblock():
        ensure_roots()
        ensure_staff_groups()


def flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return "transactional_db" in item.fixturenames or bool(
        marker is not None and marker.kwargs.get("transaction")
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by flushing every table. pytest-django runs them after the
    others, but under pytest-xdist a worker's next test may be any file's: once the test's
    fixtures are torn down, put the migrations' rows back."""
    result = yield
    if flushes_the_database(item):
        from pytest_django.plugin import blocking_manager_key

        from accounts.groups import ensure_staff_groups
        from demo.roots import ensure_roots

        with item.config.stash[blocking_manager_key].unblock():
            ensure_roots()
            ensure_staff_groups()
    return result


@pytest.fixture
def home_page(db):
    """The store's home page at the root of the default site, instead of Wagtail's welcome page."""
    from demo.roots import ensure_roots
    from home.models import HomePage

    root = ensure_roots()
    for welcome in root.get_children().filter(content_type=ContentType.objects.get_for_model(Page)):
        Site.objects.filter(root_page=welcome).delete()
        welcome.delete()
    root.refresh_from_db()
    home = root.add_child(instance=HomePage(title="Home", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": "Test store",
        },
    )
    Site.clear_site_root_paths_cache()
    return home


@pytest.fixture
def shop(home_page):
    from catalog.tests.factories import ShopIndexPageFactory

    return ShopIndexPageFactory(parent=home_page)


@pytest.fixture
def category(shop):
    from catalog.tests.factories import CategoryPageFactory

    return CategoryPageFactory(parent=shop, title="Dresses", slug="dresses", show_in_menus=True)


@pytest.fixture
def sizes(db):
    from catalog.tests.factories import SizeFactory

    return {
        name: SizeFactory(name=name, slug=name.lower(), sort_order=i)
        for i, name in enumerate(["S", "M", "L"])
    }


@pytest.fixture
def colours(db):
    from catalog.tests.factories import ColourFactory

    return {
        name: ColourFactory(name=name, slug=name.lower(), swatch=swatch, sort_order=i)
        for i, (name, swatch) in enumerate([("Black", "#1C1C1C"), ("Ivory", "#F4EFE6")])
    }


@pytest.fixture
def make_product(category, sizes, colours):
    """make_product(title=..., price=..., stock={("M", "Black"): 3}, parent=...) -> ProductPage:
    a live product in the Dresses category at 100.00, with 5 pieces in M black unless `stock`
    says otherwise (sizes S, M, L and colours Black, Ivory are there, in that order)."""
    from catalog.tests.factories import ProductPageFactory

    def make(*, stock=None, parent=None, **fields):
        return ProductPageFactory(
            parent=parent or category, stock=stock or {("M", "Black"): 5}, **fields
        )

    return make


@pytest.fixture
def dress(make_product):
    """The Wrap Dress's one variant: M, black, 3 left, at 100.00."""
    return make_product(title="Wrap Dress", stock={("M", "Black"): 3}).variants.get()


@pytest.fixture
def ann(client):
    """Ann, a shopper whose email address is confirmed, signed in on `client`."""
    from accounts.tests.factories import UserFactory

    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    return user


@pytest.fixture
def staff(shop):
    """An editor and a merchandiser, in the staff groups (whose page permissions hang on the
    shop index, hence the shop)."""
    from accounts.groups import EDITORS, MERCHANDISERS, ensure_staff_groups
    from accounts.tests.factories import UserFactory

    ensure_staff_groups()
    return {
        "editor": UserFactory(email="editors@example.com", groups=[EDITORS]),
        "merchandiser": UserFactory(email="merchandisers@example.com", groups=[MERCHANDISERS]),
    }


@pytest.fixture
def rates(db):
    """Shipping rates: standard 6.00, express 15.00, free from 150.00."""
    from checkout.models import ShippingSettings

    ShippingSettings.objects.update_or_create(
        pk=1,
        defaults={
            "standard_rate": Decimal("6.00"),
            "express_rate": Decimal("15.00"),
            "free_shipping_threshold": Decimal("150.00"),
        },
    )


# Chromium ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's database work
    # happens in its own thread, and the test's own ORM calls are plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# Mail: a real SMTP server and a real Celery worker -------------------------------------------


class Inbox:
    """What a loopback SMTP server (aiosmtpd) received."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.received_at: list[float] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self.received_at.append(time.monotonic())
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 30) -> list:
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(
                    f"Expected {count} mail(s), got {len(self.messages)} in {timeout}s."
                )
        return self.messages

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    from dress_store.settings.test import free_port

    inbox = Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def database_url(transactional_db) -> str:
    """The test database's URL, for the processes a test starts (a worker, the deployed stack):
    they see only what is committed, hence a transactional test."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(database_url, smtp_server, tmp_path):
    """`celery -A dress_store worker` in its own process, on the real Redis broker and the test
    database, sending through the loopback SMTP server. The test's process queues for real."""
    from dress_store.celery import app

    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dress_store.settings.test",
        "DATABASE_URL": database_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    queue = app.conf.task_default_queue
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dress_store",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).parent,
    )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"The Celery worker did not start:\n{log.read_text()}")
        time.sleep(0.2)
    app.conf.task_always_eager = False
    yield type("Worker", (), {"process": process, "log": log, "smtp": smtp_server})
    app.conf.task_always_eager = True
    process.terminate()
    process.wait(timeout=20)


# GitHub ----------------------------------------------------------------------------------------


@pytest.fixture
def github():
    """The GitHub stand-in on the port the test settings gave allauth."""
    from django.conf import settings

    from standins.github_oauth import GitHubStandIn

    standin = GitHubStandIn(
        port=settings.GITHUB_STANDIN_PORT,
        client_id=settings.GITHUB_CLIENT_ID,
        client_secret=settings.GITHUB_CLIENT_SECRET,
    ).start()
    yield standin
    standin.stop()


# Stripe ----------------------------------------------------------------------------------------


@pytest.fixture
def stripe_standin(settings):
    """The Stripe stand-in; its webhooks go nowhere (tests post signed events themselves)."""
    from standins.stripe_api import StripeStandIn

    standin = StripeStandIn(webhook_secret=settings.STRIPE_WEBHOOK_SECRET).start()
    settings.STRIPE_API_BASE = standin.url
    yield standin
    standin.stop()


@pytest.fixture
def live_stripe(live_server, settings):
    """The Stripe stand-in delivering its webhooks to the live server, which is also where it
    sends the shopper back."""
    from standins.stripe_api import StripeStandIn

    settings.SITE_URL = live_server.url
    standin = StripeStandIn(
        webhook_url=live_server.url + "/checkout/stripe/webhook/",
        webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
    ).start()
    settings.STRIPE_API_BASE = standin.url
    yield standin
    standin.stop()
