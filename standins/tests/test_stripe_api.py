"""The Stripe stand-in, driven by the official SDK, the checkout page's forms and a webhook."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe

from standins import stripe_api
from standins.stripe_api import StripeStandIn, decode_params
from testing.http import fetch

SECRET = "whsec_test_secret"
SUCCESS_URL = "http://shop.test/checkout/success/?session_id={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://shop.test/checkout/cancelled/"


class Clock:
    """A clock tests move forward, so sessions expire without waiting half an hour."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class Receiver:
    """The store's webhook endpoint: records each POST and answers with the scripted statuses."""

    def __init__(self) -> None:
        self.requests: list[tuple[bytes, str]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((body, self.headers["Stripe-Signature"]))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{port}/checkout/stripe/webhook/"
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()

    def events(self) -> list[stripe.Event]:
        """Every delivery, verified as the store verifies it."""
        return [
            stripe.Webhook.construct_event(body, signature, SECRET)
            for body, signature in self.requests
        ]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def standin(receiver: Receiver, clock: Clock) -> Iterator[StripeStandIn]:
    with StripeStandIn(webhook_url=receiver.url, webhook_secret=SECRET, clock=clock) as standin:
        yield standin


@pytest.fixture
def client(standin: StripeStandIn) -> stripe.StripeClient:
    return stripe.StripeClient(
        "sk_test_123", base_addresses={"api": standin.url}, max_network_retries=0
    )


def session_params(clock: Clock, **overrides: Any) -> dict[str, Any]:
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 2,
                "price_data": {
                    "currency": "usd",
                    "unit_amount": 4500,
                    "product_data": {"name": "Robe d'été", "metadata": {"variant": "7"}},
                },
            },
            {
                "quantity": 1,
                "price_data": {
                    "currency": "usd",
                    "unit_amount": 1250,
                    "product_data": {"name": "Silk scarf", "description": "Blue"},
                },
            },
        ],
        "shipping_options": [
            {
                "shipping_rate_data": {
                    "type": "fixed_amount",
                    "display_name": "Standard",
                    "fixed_amount": {"amount": 500, "currency": "usd"},
                }
            }
        ],
        "customer_email": "ada@example.com",
        "client_reference_id": "D1001",
        "metadata": {"order_number": "D1001"},
        "payment_intent_data": {"metadata": {"order_number": "D1001"}},
        "payment_method_types": ["card"],
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        "expires_at": int(clock.now) + 31 * 60,
    }
    return {**params, **overrides}


@pytest.fixture
def session(client: stripe.StripeClient, clock: Clock) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(params=session_params(clock))


def control(standin: StripeStandIn, path: str) -> dict[str, Any]:
    status, _, body = fetch(f"{standin.url}/_standin/{path}", method="POST")
    assert status == 200, body
    return json.loads(body)


def delivered_types(receiver: Receiver) -> list[str]:
    return [event.type for event in receiver.events()]


# The API through the SDK.


def test_create_session(session: stripe.checkout.Session, clock: Clock, standin: StripeStandIn):
    assert re.fullmatch(r"cs_test_[A-Za-z0-9]{24,}", session.id)
    assert session.object == "checkout.session"
    assert (session.amount_subtotal, session.amount_total) == (10250, 10750)
    assert session.shipping_cost.amount_total == 500
    assert session.currency == "usd"
    assert (session.status, session.payment_status) == ("open", "unpaid")
    assert session.metadata["order_number"] == "D1001"
    assert session.client_reference_id == "D1001"
    assert session.customer_email == "ada@example.com"
    assert session.customer_details is None
    assert session.payment_intent is None
    assert session.expires_at == int(clock.now) + 31 * 60
    assert session.url == f"{standin.url}/pay/{session.id}"
    assert session.success_url == SUCCESS_URL
    assert session.livemode is False


def test_retrieve_expands_line_items_and_payment_intent(
    client: stripe.StripeClient, session: stripe.checkout.Session, standin: StripeStandIn
):
    control(standin, f"sessions/{session.id}/pay")
    expand = ["line_items", "payment_intent", "payment_intent.latest_charge"]
    paid = client.v1.checkout.sessions.retrieve(session.id, params={"expand": expand})
    first, second = paid.line_items.data
    assert (first.description, first.quantity, first.amount_total) == ("Robe d'été", 2, 9000)
    assert (first.price.unit_amount, first.price.currency) == (4500, "usd")
    assert first.price.product.startswith("prod_")
    assert second.amount_subtotal == 1250
    assert paid.line_items.url == f"/v1/checkout/sessions/{session.id}/line_items"
    assert paid.payment_intent.status == "succeeded"
    assert paid.payment_intent.amount_received == 10750
    assert paid.payment_intent.metadata["order_number"] == "D1001"
    assert paid.payment_intent.latest_charge.paid is True
    listed = client.v1.checkout.sessions.line_items.list(session.id)
    assert [item.description for item in listed.data] == ["Robe d'été", "Silk scarf"]
    intent = client.v1.payment_intents.retrieve(paid.payment_intent.id)
    assert intent.latest_charge == paid.payment_intent.latest_charge.id


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"mode": None}, "mode"),
        ({"success_url": None}, "success_url"),
        ({"line_items": None}, "line_items"),
        ({"expires_at": int(time.time()) + 10 * 60}, "expires_at"),
        ({"expires_at": int(time.time()) + 25 * 3600}, "expires_at"),
    ],
)
def test_invalid_session_params(
    client: stripe.StripeClient, clock: Clock, overrides: dict[str, Any], param: str
):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.checkout.sessions.create(params=session_params(clock, **overrides))
    assert raised.value.param == param
    assert raised.value.http_status == 400


@pytest.mark.parametrize(
    ("field", "value", "param"),
    [
        ("currency", "USD", "line_items[0][price_data][currency]"),
        ("unit_amount", -1, "line_items[0][price_data][unit_amount]"),
        ("unit_amount", "12.50", "line_items[0][price_data][unit_amount]"),
    ],
)
def test_invalid_price(
    client: stripe.StripeClient, clock: Clock, field: str, value: Any, param: str
):
    params = session_params(clock)
    params["line_items"][0]["price_data"][field] = value
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.checkout.sessions.create(params=params)
    assert raised.value.param == param


def test_quantity_must_be_positive(client: stripe.StripeClient, clock: Clock):
    params = session_params(clock)
    params["line_items"][1]["quantity"] = 0
    with pytest.raises(stripe.InvalidRequestError, match="greater than or equal to 1"):
        client.v1.checkout.sessions.create(params=params)


def test_unknown_session_is_missing(client: stripe.StripeClient):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.checkout.sessions.retrieve("cs_test_nope")
    assert raised.value.http_status == 404
    assert raised.value.code == "resource_missing"
    assert str(raised.value.user_message) == "No such checkout.session: 'cs_test_nope'"


def test_api_key_is_required(standin: StripeStandIn, clock: Clock):
    client = stripe.StripeClient("sk_live_1234", base_addresses={"api": standin.url})
    with pytest.raises(stripe.AuthenticationError, match=r"Invalid API Key provided: \*+1234"):
        client.v1.checkout.sessions.create(params=session_params(clock))
    status, _, body = fetch(f"{standin.url}/v1/checkout/sessions/cs_test_x")
    assert status == 401
    assert json.loads(body)["error"]["type"] == "invalid_request_error"


def test_idempotent_replay(client: stripe.StripeClient, clock: Clock):
    options: Any = {"idempotency_key": "order-D1001-1"}
    first = client.v1.checkout.sessions.create(params=session_params(clock), options=options)
    again = client.v1.checkout.sessions.create(params=session_params(clock), options=options)
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    changed = session_params(clock, client_reference_id="D1002")
    with pytest.raises(stripe.IdempotencyError, match="same parameters"):
        client.v1.checkout.sessions.create(params=changed, options=options)


def test_module_level_api_style(
    standin: StripeStandIn, clock: Clock, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(stripe, "api_key", "sk_test_x")
    monkeypatch.setattr(stripe, "api_base", standin.url)
    created = stripe.checkout.Session.create(**session_params(clock))
    found = stripe.checkout.Session.retrieve(created.id, expand=["line_items"])
    assert found.line_items.data[0].quantity == 2
    assert stripe.checkout.Session.expire(created.id).status == "expired"


def test_decode_params():
    encoded = (
        "line_items[0][price_data][product_data][name]=Robe&line_items[0][quantity]=2"
        "&line_items[1][quantity]=1&metadata[order_number]=D1&expand[]=a&expand[]=b"
    )
    assert decode_params(encoded) == {
        "line_items": [
            {"price_data": {"product_data": {"name": "Robe"}}, "quantity": "2"},
            {"quantity": "1"},
        ],
        "metadata": {"order_number": "D1"},
        "expand": ["a", "b"],
    }


# The hosted checkout page.


def test_checkout_page(session: stripe.checkout.Session):
    status, headers, page = fetch(session.url)
    assert status == 200
    assert headers.get_content_type() == "text/html"
    assert "<title>Stand-in Stripe Checkout</title>" in page
    assert "Robe d&#x27;été × 2" in page
    assert "107.50 USD" in page
    assert "ada@example.com" in page
    assert "Simulated payment: no real card is charged" in page
    for label in ("Pay", "Pay by bank transfer (settles later)", "Decline", "Cancel"):
        assert f">{label}</button>" in page


def test_pay_redirects_and_delivers_signed_event(
    session: stripe.checkout.Session, standin: StripeStandIn, receiver: Receiver
):
    status, headers, _ = fetch(f"{session.url}/pay", method="POST")
    assert status == 303
    assert headers["Location"] == SUCCESS_URL.replace("{CHECKOUT_SESSION_ID}", session.id)
    standin.wait_for_deliveries(1)
    [event] = receiver.events()
    assert event.type == "checkout.session.completed"
    assert event.id == standin.events[0]["id"]
    completed = event.data.object
    assert isinstance(completed, stripe.checkout.Session)
    assert (completed.id, completed.status, completed.payment_status) == (
        session.id,
        "complete",
        "paid",
    )
    assert completed.customer_details.email == "ada@example.com"
    assert completed.payment_intent.startswith("pi_")
    status, _, page = fetch(session.url)
    assert "it is paid" in page
    assert ">Pay</button>" not in page


def test_decline_keeps_the_session_open(session: stripe.checkout.Session, standin: StripeStandIn):
    status, _, page = fetch(f"{session.url}/decline", method="POST")
    assert status == 200
    assert "Your card was declined." in page
    assert ">Pay</button>" in page
    assert standin.events == []
    status, _, body = fetch(f"{standin.url}/_standin/sessions/{session.id}")
    assert json.loads(body)["status"] == "open"


def test_cancel_returns_to_the_store(session: stripe.checkout.Session, standin: StripeStandIn):
    status, headers, _ = fetch(f"{session.url}/cancel", method="POST")
    assert (status, headers["Location"]) == (303, CANCEL_URL)
    assert standin.events == []


@pytest.mark.parametrize(
    ("outcome", "payment_status", "intent_status"),
    [("succeeded", "paid", "succeeded"), ("failed", "unpaid", "requires_payment_method")],
)
def test_bank_transfer_settles_later(
    client: stripe.StripeClient,
    session: stripe.checkout.Session,
    standin: StripeStandIn,
    receiver: Receiver,
    outcome: str,
    payment_status: str,
    intent_status: str,
):
    status, headers, _ = fetch(f"{session.url}/pay-async", method="POST")
    assert status == 303
    assert session.id in headers["Location"]
    pending = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent"]}
    )
    assert (pending.status, pending.payment_status) == ("complete", "unpaid")
    assert pending.payment_intent.status == "processing"

    settled = control(standin, f"sessions/{session.id}/settle?outcome={outcome}")
    assert settled["payment_status"] == payment_status
    standin.wait_for_deliveries(2)
    assert delivered_types(receiver) == [
        "checkout.session.completed",
        f"checkout.session.async_payment_{outcome}",
    ]
    intent = client.v1.payment_intents.retrieve(pending.payment_intent.id)
    assert intent.status == intent_status


def test_expire_through_the_api(
    client: stripe.StripeClient, session: stripe.checkout.Session, standin: StripeStandIn
):
    expired = client.v1.checkout.sessions.expire(session.id)
    assert (expired.status, expired.url) == ("expired", None)
    with pytest.raises(stripe.InvalidRequestError, match=r'status in \["open"\]'):
        client.v1.checkout.sessions.expire(session.id)
    standin.wait_for_deliveries(1)
    assert standin.events[0]["type"] == "checkout.session.expired"
    status, _, page = fetch(f"{session.url}/pay", method="POST")
    assert status == 200
    assert "has expired" in page


def test_expire_through_the_control_api(
    session: stripe.checkout.Session, standin: StripeStandIn, receiver: Receiver
):
    assert control(standin, f"sessions/{session.id}/expire")["status"] == "expired"
    standin.wait_for_deliveries(1)
    assert delivered_types(receiver) == ["checkout.session.expired"]


def test_overdue_sessions_expire(
    session: stripe.checkout.Session, standin: StripeStandIn, receiver: Receiver, clock: Clock
):
    clock.now += 32 * 60
    standin.wait_for_deliveries(1, timeout=3)
    [event] = receiver.events()
    assert (event.type, event.data.object.id) == ("checkout.session.expired", session.id)


# Refunds.


def test_partial_then_full_refund(
    client: stripe.StripeClient,
    session: stripe.checkout.Session,
    standin: StripeStandIn,
    receiver: Receiver,
):
    control(standin, f"sessions/{session.id}/pay")
    intent_id = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    first = client.v1.refunds.create(
        params={"payment_intent": intent_id, "amount": 500, "metadata": {"order_number": "D1001"}},
        options={"idempotency_key": "refund-1"},
    )
    assert (first.object, first.amount, first.status) == ("refund", 500, "succeeded")
    assert first.payment_intent == intent_id
    assert first.metadata["order_number"] == "D1001"
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 10251})
    assert raised.value.param == "amount"
    rest = client.v1.refunds.create(params={"payment_intent": intent_id})
    assert rest.amount == 10250
    assert client.v1.refunds.retrieve(first.id).charge == rest.charge

    standin.wait_for_deliveries(5)
    events = receiver.events()
    assert [event.type for event in events] == [
        "checkout.session.completed",
        "refund.created",
        "charge.refunded",
        "refund.created",
        "charge.refunded",
    ]
    charge = events[4].data.object
    assert (charge.amount_refunded, charge.refunded) == (10750, True)
    # As on Stripe since API version 2022-11-15, the charge does not list its refunds
    assert "refunds" not in charge
    assert events[2].data.object.amount_refunded == 500
    assert events[3].data.object.id == rest.id
    listed = client.v1.refunds.list(params={"payment_intent": intent_id})
    assert [refund.id for refund in listed.data] == [rest.id, first.id]
    with pytest.raises(stripe.InvalidRequestError, match="already been refunded"):
        client.v1.refunds.create(params={"payment_intent": intent_id})


def test_unpaid_intent_cannot_be_refunded(
    client: stripe.StripeClient, session: stripe.checkout.Session, standin: StripeStandIn
):
    control(standin, f"sessions/{session.id}/pay-async")
    intent_id = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    with pytest.raises(stripe.InvalidRequestError, match="does not have a successful charge"):
        client.v1.refunds.create(params={"payment_intent": intent_id})


# Webhook delivery.


def test_held_back_event_is_resent_with_the_same_id(
    session: stripe.checkout.Session, standin: StripeStandIn, receiver: Receiver
):
    paid = control(standin, f"sessions/{session.id}/pay?deliver=0")
    assert paid["redirect"] == SUCCESS_URL.replace("{CHECKOUT_SESSION_ID}", session.id)
    assert standin.deliveries == []
    control(standin, f"events/{paid['event']}/resend")
    control(standin, f"events/{paid['event']}/resend")
    standin.wait_for_deliveries(2)
    assert [event.id for event in receiver.events()] == [paid["event"], paid["event"]]


def test_failed_delivery_is_retried(
    session: stripe.checkout.Session, standin: StripeStandIn, receiver: Receiver
):
    receiver.statuses = [500]
    control(standin, f"sessions/{session.id}/expire")
    standin.wait_for_deliveries(2)
    event_id = standin.events[0]["id"]
    assert standin.deliveries == [
        {"event_id": event_id, "status": 500, "attempt": 1},
        {"event_id": event_id, "status": 200, "attempt": 2},
    ]
    assert [event.id for event in receiver.events()] == [event_id, event_id]


def test_unreachable_endpoint_is_retried_then_given_up(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(stripe_api, "RETRY_DELAYS", (0, 0, 0))
    with StripeStandIn(webhook_url="http://127.0.0.1:9/", clock=clock) as standin:
        client = stripe.StripeClient("sk_test_1", base_addresses={"api": standin.url})
        session = client.v1.checkout.sessions.create(params=session_params(clock))
        client.v1.checkout.sessions.expire(session.id)
        standin.wait_for_deliveries(4)
        assert [delivery["attempt"] for delivery in standin.deliveries] == [1, 2, 3, 4]
        assert all(isinstance(delivery["status"], str) for delivery in standin.deliveries)


def test_a_pending_refund_settles_or_fails_later(
    client: stripe.StripeClient,
    session: stripe.checkout.Session,
    standin: StripeStandIn,
    receiver: Receiver,
):
    # Given a paid session, and refunds that wait for the bank
    control(standin, f"sessions/{session.id}/pay")
    intent_id = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    control(standin, "refund-outcome?status=pending")

    # When two refunds are made, and the bank takes one and refuses the other
    taken = client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 300})
    refused = client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 200})
    assert (taken.status, refused.status) == ("pending", "pending")
    control(standin, f"refunds/{taken.id}/settle?status=succeeded")
    control(standin, f"refunds/{refused.id}/settle?status=failed")

    # Then Stripe says so, by object and by event
    assert client.v1.refunds.retrieve(taken.id).status == "succeeded"
    assert client.v1.refunds.retrieve(refused.id).status == "failed"
    standin.wait_for_deliveries(8)
    assert [event.type for event in receiver.events()][-3:] == [
        "refund.updated",
        "refund.failed",
        "refund.updated",
    ]


def test_a_refund_from_the_dashboard_and_the_calls_the_api_saw(
    client: stripe.StripeClient, session: stripe.checkout.Session, standin: StripeStandIn
):
    control(standin, f"sessions/{session.id}/pay")
    intent_id = client.v1.checkout.sessions.retrieve(session.id).payment_intent

    refund = control(standin, f"payment_intents/{intent_id}/refund?amount=700")

    assert (refund["amount"], refund["status"]) == (700, "succeeded")
    assert ("GET", f"/v1/checkout/sessions/{session.id}") in standin.api_calls
    assert ("POST", "/v1/refunds") not in standin.api_calls  # the dashboard is not the API


def test_a_slow_api_keeps_the_client_waiting_and_does_the_work_all_the_same(
    standin: StripeStandIn, clock: Clock
):
    # Given an API made slow, and a client that waits half a second for an answer
    assert control(standin, "delay?seconds=1.5") == {"api_delay": 1.5}
    impatient = stripe.StripeClient(
        "sk_test_123",
        base_addresses={"api": standin.url},
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=(1, 0.5)),
    )
    params, key = session_params(clock), {"idempotency_key": "checkout-session-D1001"}

    # When it asks for a session
    started = time.monotonic()
    with pytest.raises(stripe.APIConnectionError, match="Read timed out"):
        impatient.v1.checkout.sessions.create(params=params, options=key)
    waited = time.monotonic() - started

    # Then it gave up after its own timeout
    assert 0.5 <= waited < 1.0
    assert standin.api_calls == [("POST", "/v1/checkout/sessions")]

    # And once the API is quick again, the same request is answered at once, with the session
    # Stripe made for the first one after all
    time.sleep(1.2)
    assert control(standin, "delay?seconds=0") == {"api_delay": 0.0}
    started = time.monotonic()
    session = stripe.StripeClient(
        "sk_test_123", base_addresses={"api": standin.url}, max_network_retries=0
    ).v1.checkout.sessions.create(params=params, options=key)
    assert time.monotonic() - started < 0.5
    assert session.last_response.headers["Idempotent-Replayed"] == "true"
    assert session.status == "open"


@pytest.mark.parametrize("seconds", ["-1", "121", "soon", "nan"])
def test_a_delay_out_of_range_is_refused(standin: StripeStandIn, seconds: str):
    status, _, body = fetch(f"{standin.url}/_standin/delay?seconds={seconds}", method="POST")
    assert status == 400
    assert json.loads(body)["error"]["message"] == "seconds must be a number from 0 to 120."
    assert standin._store.api_delay == 0.0
