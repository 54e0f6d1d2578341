"""The mail pipeline: an outbox row per mail, delivery by a real Celery worker, backoff, at most
one send per row, and nothing lost while Redis is down."""

import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail as django_mail
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from dress_store.celery import app
from mail.delivery import MAX_BACKOFF, Outcome, backoff, deliver_message
from mail.models import OutboxMessage
from mail.outbox import send_mail, send_rendered
from mail.tasks import requeue_unsent

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long and unusual passphrase"


def test_every_mail_has_text_and_html_in_the_shared_layout(settings):
    settings.SITE_URL = "https://shop.example.com"
    send_rendered(to="ann@example.com", subject="Hello", text="Your order is on its way.")
    message = OutboxMessage.objects.get()
    assert "The Dress Store" in message.html_body
    assert 'href="https://shop.example.com/"' in message.html_body
    assert "Your order is on its way." in message.html_body
    [sent] = django_mail.outbox  # eager in tests: delivered on commit
    assert sent.alternatives[0][1] == "text/html"


def test_backoff_doubles_and_stops_at_ten_minutes():
    assert [backoff(n).total_seconds() for n in range(1, 8)] == [15, 30, 60, 120, 240, 480, 600]
    assert backoff(30) == MAX_BACKOFF == timedelta(minutes=10)


def test_a_failed_send_is_recorded_and_retried_later(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    app.conf.task_always_eager = False  # write the row only; deliver by hand
    try:
        message = send_rendered(to="ann@example.com", subject="Hi", text="Hello")
    finally:
        app.conf.task_always_eager = True

    before = timezone.now()
    assert deliver_message(message.pk) is Outcome.RETRY

    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING
    assert message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")
    assert before + timedelta(seconds=14) < message.next_attempt_at < before + timedelta(seconds=20)


def test_a_relay_that_never_answers_is_given_up_after_the_timeout(settings):
    # Given a relay that takes the connection and never says a word
    assert settings.EMAIL_TIMEOUT == 20  # the default, unless EMAIL_TIMEOUT says otherwise
    relay = socket.create_server(("127.0.0.1", 0))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = relay.getsockname()
    settings.EMAIL_TIMEOUT = 1
    app.conf.task_always_eager = False
    try:
        message = send_rendered(to="ann@example.com", subject="Hi", text="Hello")
    finally:
        app.conf.task_always_eager = True

    # When the worker delivers it
    started = time.monotonic()
    with relay:
        outcome = deliver_message(message.pk)

    # Then it gives up after the timeout, and will try again
    assert outcome is Outcome.RETRY
    assert time.monotonic() - started < 2
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxMessage.State.PENDING, 1)
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed: timed out"


def test_a_row_is_sent_at_most_once_even_if_its_task_runs_twice(smtp_server, settings):
    # Given a slow SMTP server and two workers running the same task at the same moment
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    original = smtp_server.handle_DATA

    async def slow(server, session, envelope):
        time.sleep(0.5)
        return await original(server, session, envelope)

    smtp_server.handle_DATA = slow
    app.conf.task_always_eager = False
    try:
        message = send_rendered(to="ann@example.com", subject="Once", text="Only once")
    finally:
        app.conf.task_always_eager = True
    outcomes = []

    def run():
        outcomes.append(deliver_message(message.pk))
        connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then one sent it and the other stood aside, and one mail arrived
    assert sorted(outcomes) == sorted([Outcome.SENT, Outcome.SKIPPED])
    assert deliver_message(message.pk) is Outcome.SKIPPED
    time.sleep(0.2)
    assert len(smtp_server.messages) == 1


@pytest.mark.worker
def test_redis_down_at_signup_then_the_beat_task_delivers_once(client, celery_worker):
    smtp = celery_worker.smtp
    # Given Redis (the broker) unreachable
    working_broker = app.conf.broker_url
    point_broker_at(app, "redis://127.0.0.1:1/0")
    try:
        # When a shopper signs up
        started = time.monotonic()
        response = client.post(
            reverse("account_signup"),
            {"email": "down@example.com", "password1": PASSWORD, "password2": PASSWORD},
        )
        elapsed = time.monotonic() - started
    finally:
        point_broker_at(app, working_broker)

    # Then signup answered at once, and the mail waits in the outbox
    print(f"\nsignup with Redis down answered in {elapsed:.3f} s")
    assert response.status_code == 302
    assert elapsed < 1
    message = OutboxMessage.objects.get(to="down@example.com")
    assert message.state == OutboxMessage.State.PENDING
    assert message.attempts == 0
    time.sleep(1)
    assert smtp.messages == []

    # When Redis is back and the beat task runs (twice: two ticks)
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=1)
    )
    assert requeue_unsent() == 1
    requeue_unsent()

    # Then the mail is delivered, exactly once
    smtp.wait_for(1)
    time.sleep(1.5)
    assert len(smtp.to("down@example.com")) == 1
    deadline = time.monotonic() + 10
    while OutboxMessage.objects.get(pk=message.pk).state != OutboxMessage.State.SENT:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert requeue_unsent() == 0


def point_broker_at(celery_app, url: str) -> None:
    """Celery builds its connection pools once; a new broker URL needs new pools."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_send_mail_renders_named_templates(settings):
    settings.SITE_URL = "https://shop.example.com"
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"],
        }
    ]
    message = send_mail(to="a@example.com", template="test/hello", context={"name": "Ann"})
    assert message.subject == "Hello Ann"
    assert "Hello Ann, see https://shop.example.com/" in message.text_body
    assert "<strong>Ann</strong>" in message.html_body
