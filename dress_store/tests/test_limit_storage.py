"""Where the limits keep their counts: a Redis that evicts (as the cache's must, with a memory
ceiling) may drop anything with an expiry, so counters of failed sign-ins live elsewhere.

These tests run the production settings in a child process against two throwaway Redis servers,
one evicting like the cache's (`volatile-lru` under a small ceiling) and one that never evicts,
and fill the evicting one the way cache-busting would."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from allauth.account.models import EmailAddress

from accounts.models import User
from dress_store.settings.test import free_port

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


class RedisServer:
    def __init__(self, workdir: Path, *options: str):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        workdir.mkdir(parents=True, exist_ok=True)
        server = shutil.which("redis-server")
        if server is None:
            pytest.fail("These tests need redis-server (apt-get install redis-server).")
        self.process = subprocess.Popen(
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
                *options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.client = redis.Redis(host="127.0.0.1", port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def fill_with_fragments(self, megabytes: int) -> int:
        """Write `megabytes` of short-lived keys, as cache-busting requests would; the number of
        keys Redis evicted meanwhile."""
        pipe = self.client.pipeline(transaction=False)
        for number in range(megabytes * 1024):
            pipe.set(f"dress:1:fragment:listing:{number}", b"x" * 1024, ex=600)
            if number % 512 == 511:
                pipe.execute()
        pipe.execute()
        return self.client.info("stats")["evicted_keys"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def redis_servers(tmp_path):
    """(the cache's Redis, evicting under 8 MB; the limits' Redis, never evicting)."""
    cache = RedisServer(
        tmp_path / "cache", "--maxmemory", "8mb", "--maxmemory-policy", "volatile-lru"
    )
    limits = RedisServer(tmp_path / "limits", "--maxmemory-policy", "noeviction")
    yield cache, limits
    cache.stop()
    limits.stop()


def production(cache: RedisServer, limits: RedisServer, database_url: str) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "dress_store.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "shop.example.com",
        "DATABASE_URL": database_url,
        "REDIS_URL": cache.url,
        "REDIS_LIMITS_URL": limits.url,
        "EMAIL_URL": "smtp://127.0.0.1:1",
        "DEFAULT_FROM_EMAIL": "shop@example.com",
        "SITE_URL": "https://shop.example.com",
        "STRIPE_SECRET_KEY": "sk_test_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
    }


# A shopper's browser in the child process: each line read from stdin is an action, each answer
# a line of JSON, so that the test can act on Redis between two requests.
SHOPPER = """
import json, sys
import django
django.setup()
from django.test import Client
from django.test.utils import override_settings
# No collectstatic here (static URLs without the manifest's hashes), and the test suite's hasher.
override_settings(
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
).enable()
browser = Client(HTTP_HOST="shop.example.com", HTTP_X_FORWARDED_PROTO="https")
for line in sys.stdin:
    action, _, argument = line.strip().partition(" ")
    if action == "sign-in":
        form = {"login": "ann@example.com", "password": argument}
        response = browser.post("/accounts/login/", form)
        locked = b"Too many failed login" in response.content
        answer = {"status": response.status_code, "locked": locked}
    elif action == "sign-out":
        answer = {"status": browser.post("/accounts/logout/").status_code}
    elif action == "profile":
        answer = {"status": browser.get("/accounts/profile/").status_code}
    elif action == "copy-cookie":
        copied = browser.cookies["sessionid"].value
        answer = {}
    elif action == "profile-with-copied-cookie":
        thief = Client(HTTP_HOST="shop.example.com", HTTP_X_FORWARDED_PROTO="https")
        thief.cookies["sessionid"] = copied
        answer = {"status": thief.get("/accounts/profile/").status_code}
    print(json.dumps(answer), flush=True)
"""


class Shopper:
    def __init__(self, env: dict):
        self.process = subprocess.Popen(
            [sys.executable, "-c", SHOPPER],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def do(self, action: str) -> dict:
        self.process.stdin.write(action + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(self.process.stderr.read()[-3000:])
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def shopper():
    user = User.objects.create_user("ann@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_filling_the_cache_does_not_forget_failed_sign_ins(redis_servers, shopper, database_url):
    cache, limits = redis_servers
    browser = Shopper(production(cache, limits, database_url))

    # Given an account locked by five wrong passwords
    for _ in range(5):
        assert browser.do("sign-in wrong-password") == {"status": 200, "locked": False}
    assert browser.do(f"sign-in {PASSWORD}")["locked"] is True

    # When cache-busting requests fill the cache's Redis until it evicts
    assert cache.fill_with_fragments(megabytes=24) > 0

    # Then the account is still locked
    assert browser.do(f"sign-in {PASSWORD}") == {"status": 200, "locked": True}
    browser.close()


def test_signing_out_holds_even_while_redis_does_not_answer(redis_servers, shopper, database_url):
    cache, limits = redis_servers
    browser = Shopper(production(cache, limits, database_url))

    # Given a signed-in shopper whose session cookie someone else has a copy of
    assert browser.do(f"sign-in {PASSWORD}")["status"] == 302
    browser.do("copy-cookie")
    assert browser.do("profile-with-copied-cookie") == {"status": 200}

    # When they sign out while both Redis servers hang, and they answer again afterwards
    for server in (cache, limits):
        server.process.send_signal(signal.SIGSTOP)
    try:
        assert browser.do("sign-out") == {"status": 302}
    finally:
        for server in (cache, limits):
            server.process.send_signal(signal.SIGCONT)

    # Then the session is gone, for the copy too: the profile asks for a sign-in
    assert browser.do("profile") == {"status": 302}
    assert browser.do("profile-with-copied-cookie") == {"status": 302}
    browser.close()
