"""
A local stand-in for the slice of Stripe's API the store uses: Checkout Sessions, PaymentIntents,
charges, refunds, and the webhooks they cause.

Stripe can't be reached from our machines, so tests and ``make run`` point the official SDK at
this server through its API base URL, and the store's production code talks to it unchanged. The
SDK's form encoding is decoded as Stripe decodes it, objects come back in Stripe's shapes, refusals
in Stripe's error format (so the SDK raises the same exceptions), and events are signed exactly as
``stripe.Webhook.construct_event`` verifies them. Stripe's hosted checkout is replaced by a plain
page with Pay / Decline / Cancel buttons, and ``/_standin/`` endpoints let tests do what a customer
or a bank would, without a browser, or make the API slow (``/_standin/delay?seconds=N``: every
API request then waits N seconds before Stripe starts on it).

Run it by hand with ``python -m standins.stripe_api --webhook-url URL --webhook-secret SECRET``.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import hmac
import http.client
import json
import queue
import re
import secrets
import string
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

JSON = dict[str, Any]
Clock = Callable[[], float]

API_VERSION = "2025-01-27.acacia"
DEFAULT_WEBHOOK_SECRET = "whsec_test_standin"
TEST_KEY_PREFIX = "sk_test_"
SESSION_ID_PLACEHOLDER = "{CHECKOUT_SESSION_ID}"
MIN_SESSION_LIFETIME = 30 * 60
MAX_SESSION_LIFETIME = 24 * 60 * 60
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
# Checkout always collects an email; the stand-in's page asks for none, so it invents one when
# the store didn't pass ``customer_email``.
FALLBACK_EMAIL = "customer@example.com"
DECLINED = "Your card was declined."
# Stripe retries for three days; the stand-in keeps the idea at test speed.
RETRY_DELAYS = (0.2, 0.5, 1.0)
DELIVERY_TIMEOUT = 10
TICK_SECONDS = 1.0
# The slowest the API may be made: longer than any client waits.
MAX_API_DELAY = 120.0

_ALPHANUMERIC = string.ascii_letters + string.digits
_CURRENCY = re.compile(r"[a-z]{3}")
_INTEGER = re.compile(r"-?\d+")
_SUBSCRIPT = re.compile(r"\[([^\[\]]*)\]")


class StripeError(Exception):
    """A request Stripe would refuse, answered in Stripe's error shape so the SDK raises alike."""

    def __init__(
        self,
        message: str,
        *,
        status: int = HTTPStatus.BAD_REQUEST,
        param: str | None = None,
        code: str | None = None,
        kind: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error = {"type": kind, "message": message, "param": param, "code": code}

    def body(self) -> JSON:
        return {"error": {key: value for key, value in self.error.items() if value is not None}}


def _new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


def _missing(kind: str, object_id: str, param: str = "id") -> StripeError:
    """Stripe answers 404 for an unknown id in the URL, 400 for one passed as a parameter."""
    status = HTTPStatus.NOT_FOUND if param == "id" else HTTPStatus.BAD_REQUEST
    return StripeError(
        f"No such {kind}: '{object_id}'", status=status, param=param, code="resource_missing"
    )


# Parameters.


def decode_params(encoded: str) -> JSON:
    """
    Rebuild the nested params the SDK flattened into ``a[b][0][c]=v`` form fields.

    Stripe reads bracketed names as objects, numeric subscripts as list positions and ``[]`` as
    "append", so ``expand[]=x`` and ``expand[0]=x`` mean the same list.
    """
    root: JSON = {}
    for key, value in parse_qsl(encoded, keep_blank_values=True):
        name, _, subscripts = key.partition("[")
        *parents, leaf = [name, *_SUBSCRIPT.findall(f"[{subscripts}")] if subscripts else [name]
        node = root
        for part in parents:
            node = node.setdefault(part or str(len(node)), {})
            if not isinstance(node, dict):
                raise StripeError(f"Invalid value for {key}: {name} is not an object.", param=name)
        node[leaf or str(len(node))] = value
    return _with_lists(root)


def _with_lists(node: Any) -> Any:
    """Objects keyed 0..n-1 are the lists the SDK sent."""
    if not isinstance(node, dict):
        return node
    converted = {key: _with_lists(value) for key, value in node.items()}
    positions = [str(index) for index in range(len(converted))]
    if converted and set(converted) == set(positions):
        return [converted[position] for position in positions]
    return converted


def _param(prefix: str, name: str) -> str:
    return f"{prefix}[{name}]" if prefix else name


def _required(params: JSON, name: str, prefix: str = "") -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise StripeError(
            f"Missing required param: {_param(prefix, name)}.", param=_param(prefix, name)
        )
    return value


def _text(params: JSON, name: str, prefix: str = "") -> str:
    value = _required(params, name, prefix)
    if not isinstance(value, str):
        raise StripeError("Invalid string", param=_param(prefix, name))
    return value


def _object(params: JSON, name: str, prefix: str = "", *, required: bool = False) -> JSON:
    value = _required(params, name, prefix) if required else params.get(name, {})
    if not isinstance(value, dict):
        raise StripeError("Invalid object", param=_param(prefix, name))
    return value


def _array(params: JSON, name: str) -> list[Any]:
    value = params.get(name, [])
    if not isinstance(value, list):
        raise StripeError("Invalid array", param=name)
    return value


def _integer(value: Any, param: str, minimum: int) -> int:
    """Form fields arrive as text; Stripe takes whole numbers written in digits only."""
    if not isinstance(value, str) or not _INTEGER.fullmatch(value):
        raise StripeError(f"Invalid integer: {value}", param=param)
    if int(value) < minimum:
        raise StripeError(f"This value must be greater than or equal to {minimum}.", param=param)
    return int(value)


def _metadata(params: JSON, prefix: str = "") -> dict[str, str]:
    """Stripe drops keys set to an empty string: that is how callers unset them."""
    metadata = _object(params, "metadata", prefix)
    return {key: value for key, value in metadata.items() if value != ""}


def _line_item(raw: Any, prefix: str) -> JSON:
    """One ``line_items[n]`` with ad-hoc ``price_data``, as the ``item`` Stripe lists back."""
    if not isinstance(raw, dict):
        raise StripeError("Invalid object", param=prefix)
    price_prefix = f"{prefix}[price_data]"
    price_data = _object(raw, "price_data", prefix, required=True)
    product = _object(price_data, "product_data", price_prefix, required=True)
    currency = _text(price_data, "currency", price_prefix)
    if not _CURRENCY.fullmatch(currency):
        raise StripeError(f"Invalid currency: {currency}.", param=f"{price_prefix}[currency]")
    unit_amount = _integer(
        _required(price_data, "unit_amount", price_prefix), f"{price_prefix}[unit_amount]", 0
    )
    quantity = _integer(_required(raw, "quantity", prefix), f"{prefix}[quantity]", 1)
    amount = unit_amount * quantity
    return {
        "id": _new_id("li_"),
        "object": "item",
        "amount_discount": 0,
        "amount_subtotal": amount,
        "amount_tax": 0,
        "amount_total": amount,
        "currency": currency,
        "description": _text(product, "name", f"{price_prefix}[product_data]"),
        "price": {
            "id": _new_id("price_"),
            "object": "price",
            "active": False,
            "currency": currency,
            "livemode": False,
            "product": _new_id("prod_"),
            "type": "one_time",
            "unit_amount": unit_amount,
        },
        "quantity": quantity,
    }


def _shipping_cost(params: JSON) -> JSON | None:
    """What the first shipping option costs: Checkout preselects it."""
    options = _array(params, "shipping_options")
    rate = (
        options[0].get("shipping_rate_data") if options and isinstance(options[0], dict) else None
    )
    fixed = rate.get("fixed_amount") if isinstance(rate, dict) else None
    if not isinstance(fixed, dict):
        return None
    prefix = "shipping_options[0][shipping_rate_data][fixed_amount]"
    amount = _integer(_required(fixed, "amount", prefix), f"{prefix}[amount]", 0)
    return {
        "amount_subtotal": amount,
        "amount_tax": 0,
        "amount_total": amount,
        "shipping_rate": _new_id("shr_"),
    }


def _expires_at(params: JSON, now: int) -> int:
    """Stripe lets a session live from 30 minutes to 24 hours, 24 hours by default."""
    if "expires_at" not in params:
        return now + MAX_SESSION_LIFETIME
    expires_at = _integer(params["expires_at"], "expires_at", 0)
    if expires_at - now < MIN_SESSION_LIFETIME:
        raise StripeError(
            "The `expires_at` timestamp must be at least 30 minutes from Checkout Session "
            "creation.",
            param="expires_at",
        )
    if expires_at - now > MAX_SESSION_LIFETIME:
        raise StripeError(
            "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
            param="expires_at",
        )
    return expires_at


def _success_redirect(session: JSON) -> str:
    return session["success_url"].replace(SESSION_ID_PLACEHOLDER, session["id"])


# Stripe's side: objects, state changes and events.


class _Store:
    """
    The objects Stripe would hold, the state changes customers and banks cause, and the events.

    One re-entrant lock guards it all and is held for a whole call, so a call and the events it
    emits happen together, and events reach the delivery queue in the order they were created.
    Every method returns copies: a response must not change when the object does.
    """

    def __init__(
        self, *, clock: Clock, checkout_base: str, publish: Callable[[JSON], None]
    ) -> None:
        self.events: list[JSON] = []
        # Every API request, as (method, path), so tests can see that the store did not ask.
        self.api_calls: list[tuple[str, str]] = []
        # What the next refunds do: succeed at once (cards), wait (bank debits), or fail.
        self.refund_outcome = "succeeded"
        # Seconds every API request waits before it is handled: Stripe slow or overloaded.
        self.api_delay = 0.0
        self._clock = clock
        self._checkout_base = checkout_base
        self._publish = publish
        self._lock = threading.RLock()
        self._objects: dict[str, JSON] = {}
        self._line_items: dict[str, list[JSON]] = {}
        self._intent_metadata: dict[str, dict[str, str]] = {}
        self._idempotent: dict[str, tuple[tuple[str, JSON], JSON]] = {}

    def checkout_url(self, session_id: str) -> str:
        return f"{self._checkout_base}/pay/{session_id}"

    def run_idempotently(
        self, key: str | None, request: tuple[str, JSON], operation: Callable[[], JSON]
    ) -> tuple[JSON, bool]:
        """
        Answer a reused ``Idempotency-Key`` with the first answer, so a retried POST can't create,
        pay or refund twice; return it with whether it was replayed.

        Refusals aren't saved, as Stripe saves none for requests that fail validation: the caller
        may fix the request and retry with the same key.
        """
        with self._lock:
            if key is None:
                return operation(), False
            if key not in self._idempotent:
                self._idempotent[key] = (request, operation())
                return self._idempotent[key][1], False
            first_request, response = self._idempotent[key]
            if first_request != request:
                raise StripeError(
                    "Keys for idempotent requests can only be used with the same parameters they "
                    f"were first used with. Try using a key other than '{key}' if you meant to "
                    "execute a different request.",
                    kind="idempotency_error",
                )
            return response, True

    # The API.

    def create_session(self, params: JSON) -> JSON:
        if _text(params, "mode") != "payment":
            raise StripeError("The stand-in only supports `mode=payment`.", param="mode")
        success_url = _text(params, "success_url")
        raw_items = _array(params, "line_items")
        if not raw_items:
            raise StripeError("Missing required param: line_items.", param="line_items")
        items = [_line_item(raw, f"line_items[{index}]") for index, raw in enumerate(raw_items)]
        currency = items[0]["currency"]
        if any(item["currency"] != currency for item in items):
            raise StripeError("All line items must use the same currency.", param="line_items")
        email = params.get("customer_email")
        if email is not None and "@" not in email:
            raise StripeError(f"Invalid email address: {email}", param="customer_email")
        now = int(self._clock())
        subtotal = sum(item["amount_total"] for item in items)
        shipping = _shipping_cost(params)
        shipping_amount = shipping["amount_total"] if shipping else 0
        session_id = _new_id("cs_test_", 58)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": subtotal,
            "amount_total": subtotal + shipping_amount,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer_details": None,
            "customer_email": email,
            "expires_at": _expires_at(params, now),
            "livemode": False,
            "metadata": _metadata(params),
            "mode": "payment",
            "payment_intent": None,
            "payment_method_types": _array(params, "payment_method_types") or ["card"],
            "payment_status": "unpaid",
            "shipping_cost": shipping,
            "status": "open",
            "success_url": success_url,
            "total_details": {
                "amount_discount": 0,
                "amount_shipping": shipping_amount,
                "amount_tax": 0,
            },
            "url": self.checkout_url(session_id),
        }
        # Checkout copies payment_intent_data's metadata, not the session's, to the intent.
        intent_data = _object(params, "payment_intent_data")
        with self._lock:
            self._intent_metadata[session_id] = _metadata(intent_data, "payment_intent_data")
            self._objects[session_id] = session
            self._line_items[session_id] = items
            return copy.deepcopy(session)

    def retrieve_session(self, params: JSON, session_id: str) -> JSON:
        with self._lock:
            return self._expanded(
                self._get("checkout.session", session_id), _array(params, "expand")
            )

    def list_line_items(self, params: JSON, session_id: str) -> JSON:
        with self._lock:
            self._get("checkout.session", session_id)
            return self._line_item_list(session_id)

    def expire_session(self, params: JSON, session_id: str) -> JSON:
        with self._lock:
            session = self._get("checkout.session", session_id)
            if session["status"] != "open":
                raise StripeError(
                    'Only Checkout Sessions with a status in ["open"] can be expired.'
                )
            self._expire(session)
            return copy.deepcopy(session)

    def retrieve_payment_intent(self, params: JSON, payment_intent_id: str) -> JSON:
        with self._lock:
            intent = self._get("payment_intent", payment_intent_id)
            return self._expanded(intent, _array(params, "expand"))

    def create_refund(self, params: JSON) -> JSON:
        reason = params.get("reason")
        if reason is not None and reason not in REFUND_REASONS:
            raise StripeError(
                f"Invalid reason: must be one of {', '.join(REFUND_REASONS)}", param="reason"
            )
        with self._lock:
            charge = self._refundable_charge(params)
            remaining = charge["amount"] - charge["amount_refunded"]
            if remaining == 0:
                raise StripeError(
                    f"Charge {charge['id']} has already been refunded.",
                    code="charge_already_refunded",
                )
            amount = _integer(params["amount"], "amount", 1) if "amount" in params else remaining
            if amount > remaining:
                raise StripeError(
                    f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                    f"({remaining})",
                    param="amount",
                )
            refund = {
                "id": _new_id("re_"),
                "object": "refund",
                "amount": amount,
                "charge": charge["id"],
                "created": int(self._clock()),
                "currency": charge["currency"],
                "metadata": _metadata(params),
                "payment_intent": charge["payment_intent"],
                "reason": reason,
                "status": "pending" if self.refund_outcome != "succeeded" else "succeeded",
            }
            self._objects[refund["id"]] = refund
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            self._emit("refund.created", refund)
            self._emit("charge.refunded", charge)
            answer = copy.deepcopy(refund)
            if self.refund_outcome == "failed":  # the bank refuses it a moment later
                self._settle_refund(refund, "failed")
            return answer

    def list_refunds(self, params: JSON) -> JSON:
        with self._lock:
            refunds = [
                obj
                for obj in self._objects.values()
                if obj["object"] == "refund"
                and all(
                    obj.get(name) == params[name]
                    for name in ("payment_intent", "charge")
                    if name in params
                )
            ]
            refunds.reverse()  # newest first, as created
            limit = _integer(params.get("limit", "10"), "limit", 1)
            return {
                "object": "list",
                "data": copy.deepcopy(refunds[:limit]),
                "has_more": len(refunds) > limit,
                "url": "/v1/refunds",
            }

    def set_refund_outcome(self, params: JSON) -> JSON:
        outcome = params.get("status", "succeeded")
        if outcome not in ("succeeded", "pending", "failed"):
            raise StripeError("status must be succeeded, pending or failed.", param="status")
        with self._lock:
            self.refund_outcome = outcome
            return {"refund_outcome": outcome}

    def set_api_delay(self, params: JSON) -> JSON:
        """Make every API request wait ``seconds`` (0 for none) before it is handled, as an
        overloaded Stripe would: a client that gives up sooner still sees its request done."""
        seconds = params.get("seconds", "0")
        try:
            delay = float(seconds)
        except ValueError:
            delay = -1.0
        if not 0 <= delay <= MAX_API_DELAY:
            raise StripeError(
                f"seconds must be a number from 0 to {MAX_API_DELAY:g}.", param="seconds"
            )
        self.api_delay = delay
        return {"api_delay": delay}

    def settle_refund(self, params: JSON, refund_id: str) -> JSON:
        """A pending refund's bank answers: it succeeds, or it fails and the money stays."""
        outcome = params.get("status", "succeeded")
        with self._lock:
            refund = self._get("refund", refund_id)
            if refund["status"] != "pending":
                raise StripeError(f"Refund {refund_id} is {refund['status']}, not pending.")
            self._settle_refund(refund, outcome)
            return copy.deepcopy(refund)

    def refund_from_dashboard(self, params: JSON, payment_intent_id: str) -> JSON:
        """Someone refunds in Stripe's dashboard: the store hears of it only by webhooks."""
        return self.create_refund({**params, "payment_intent": payment_intent_id})

    def _settle_refund(self, refund: JSON, outcome: str) -> None:
        refund["status"] = outcome
        if outcome == "failed":
            refund["failure_reason"] = "expired_or_canceled_card"
            charge = self._objects[refund["charge"]]
            charge["amount_refunded"] -= refund["amount"]
            charge["refunded"] = False
            self._emit("refund.failed", refund)
        self._emit("refund.updated", refund)

    def retrieve_refund(self, params: JSON, refund_id: str) -> JSON:
        with self._lock:
            return self._expanded(self._get("refund", refund_id), _array(params, "expand"))

    # What customers, banks and time do.

    def pay(self, params: JSON, session_id: str) -> JSON:
        """
        The Pay button: the card is charged at once.

        ``deliver=0`` records the event without sending it, so a test can bring the customer back
        to the store before the webhook arrives.
        """
        with self._lock:
            session = self._open_session(session_id)
            intent = self._new_intent(session)
            self._capture(intent, session["customer_email"] or FALLBACK_EMAIL)
            return self._complete(session, intent, "paid", deliver=params.get("deliver") != "0")

    def pay_async(self, params: JSON, session_id: str) -> JSON:
        """The bank transfer button: Checkout completes now; ``settle()`` brings the money later."""
        with self._lock:
            session = self._open_session(session_id)
            intent = self._new_intent(session)
            return self._complete(session, intent, "unpaid", deliver=params.get("deliver") != "0")

    def settle(self, params: JSON, session_id: str) -> JSON:
        """The bank's verdict on a transfer: days later on Stripe, whenever a test says here."""
        outcome = params.get("outcome")
        if outcome not in ("succeeded", "failed"):
            raise StripeError("outcome must be succeeded or failed.", param="outcome")
        with self._lock:
            session = self._get("checkout.session", session_id)
            intent = self._objects.get(session["payment_intent"] or "")
            if intent is None or intent["status"] != "processing":
                raise StripeError(
                    "Only a Checkout Session paid by bank transfer and not yet settled can settle."
                )
            if outcome == "succeeded":
                self._capture(intent, session["customer_details"]["email"])
                session["payment_status"] = "paid"
            else:
                intent["status"] = "requires_payment_method"
            self._emit(f"checkout.session.async_payment_{outcome}", session)
            return copy.deepcopy(session)

    def resend_event(self, params: JSON, event_id: str) -> JSON:
        """Deliver an event again, same id and all, as Stripe does when retrying or asked to."""
        with self._lock:
            event = next((event for event in self.events if event["id"] == event_id), None)
            if event is None:
                raise _missing("event", event_id)
            self._publish(event)
            return copy.deepcopy(event)

    def expire_overdue(self) -> None:
        """Stripe expires open sessions once their ``expires_at`` has passed."""
        with self._lock:
            now = int(self._clock())
            overdue = [
                obj
                for obj in self._objects.values()
                if obj["object"] == "checkout.session"
                and obj["status"] == "open"
                and obj["expires_at"] <= now
            ]
            for session in overdue:
                self._expire(session)

    # Helpers; the caller holds the lock.

    def _get(self, kind: str, object_id: str, param: str = "id") -> JSON:
        obj = self._objects.get(object_id)
        if obj is None or obj["object"] != kind:
            raise _missing(kind, object_id, param)
        return obj

    def _expanded(self, obj: JSON, paths: list[str]) -> JSON:
        """
        A copy of ``obj`` with the ids named in ``expand`` replaced by their objects; dotted paths
        reach further (``payment_intent.latest_charge``), as on Stripe.
        """
        nested: dict[str, list[str]] = {}
        for path in paths:
            field, _, rest = path.partition(".")
            nested.setdefault(field, []).extend(filter(None, [rest]))
        result = copy.deepcopy(obj)
        for field, inner in nested.items():
            value = obj.get(field)
            if field == "line_items" and obj["object"] == "checkout.session" and not inner:
                result[field] = self._line_item_list(obj["id"])
            elif field in obj and value is None:
                continue
            elif isinstance(value, str) and value in self._objects:
                result[field] = self._expanded(self._objects[value], inner)
            else:
                raise StripeError(f"This property cannot be expanded ({field}).", param="expand")
        return result

    def _line_item_list(self, session_id: str) -> JSON:
        return {
            "object": "list",
            "data": copy.deepcopy(self._line_items[session_id]),
            "has_more": False,
            "url": f"/v1/checkout/sessions/{session_id}/line_items",
        }

    def _open_session(self, session_id: str) -> JSON:
        session = self._get("checkout.session", session_id)
        if session["status"] != "open":
            raise StripeError(f"This Checkout Session is {session['status']}: it can't be paid.")
        return session

    def _new_intent(self, session: JSON) -> JSON:
        """The PaymentIntent Checkout creates when the customer pays, before the money is in."""
        intent = {
            "id": _new_id("pi_"),
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_received": 0,
            "created": int(self._clock()),
            "currency": session["currency"],
            "latest_charge": None,
            "livemode": False,
            "metadata": self._intent_metadata[session["id"]],
            "payment_method_types": session["payment_method_types"],
            "status": "processing",
        }
        self._objects[intent["id"]] = intent
        return intent

    def _capture(self, intent: JSON, email: str) -> None:
        """The money is in: the intent succeeds with a charge that refunds draw on."""
        charge_id = _new_id("ch_")
        self._objects[charge_id] = {
            "id": charge_id,
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"],
            "amount_refunded": 0,
            "billing_details": {"email": email},
            "captured": True,
            "created": int(self._clock()),
            "currency": intent["currency"],
            "livemode": False,
            "metadata": {},
            "paid": True,
            "payment_intent": intent["id"],
            "refunded": False,
            # No `refunds` list: since API version 2022-11-15 a charge carries it only when
            # expanded, and its events never do. List refunds through /v1/refunds instead.
            "status": "succeeded",
        }
        intent.update(status="succeeded", amount_received=intent["amount"], latest_charge=charge_id)

    def _complete(self, session: JSON, intent: JSON, payment_status: str, *, deliver: bool) -> JSON:
        session.update(
            status="complete",
            payment_status=payment_status,
            payment_intent=intent["id"],
            customer_details={"email": session["customer_email"] or FALLBACK_EMAIL},
            url=None,
        )
        event = self._emit("checkout.session.completed", session, deliver=deliver)
        return {"redirect": _success_redirect(session), "event": event["id"]}

    def _expire(self, session: JSON) -> None:
        session.update(status="expired", url=None)
        self._emit("checkout.session.expired", session)

    def _refundable_charge(self, params: JSON) -> JSON:
        if "charge" in params:
            return self._get("charge", params["charge"], "charge")
        if "payment_intent" not in params:
            raise StripeError(
                "One of the following params should be provided for this request: "
                "payment_intent or charge."
            )
        intent = self._get("payment_intent", params["payment_intent"], "payment_intent")
        if intent["status"] != "succeeded":
            raise StripeError(
                f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                param="payment_intent",
            )
        return self._objects[intent["latest_charge"]]

    def _emit(self, event_type: str, obj: JSON, *, deliver: bool = True) -> JSON:
        """Record an event holding ``obj`` as it is now and queue it for the webhook endpoint."""
        event = {
            "id": _new_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(self._clock()),
            "data": {"object": copy.deepcopy(obj)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        self.events.append(event)
        if deliver:
            self._publish(event)
        return event


# Webhooks.


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Stripe counts a redirect as a failed delivery (APPEND_SLASH's is the classic), so do we."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# No proxies: these machines set proxy variables, and deliveries go to a local endpoint.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _RefuseRedirects)


class _WebhookSender:
    """
    Posts events to one endpoint from one thread, in the order they were created, signed and
    retried as Stripe does. Each attempt is recorded, so tests wait for deliveries, not sleep.
    """

    def __init__(self, url: str | None, secret: str, clock: Clock) -> None:
        if url is not None and urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"webhook_url must be an http(s) URL, not {url!r}")
        self.deliveries: list[JSON] = []
        self._url = url
        self._secret = secret.encode()
        self._clock = clock
        self._queue: queue.SimpleQueue[JSON | None] = queue.SimpleQueue()
        self._delivered = threading.Condition()
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="stripe-standin-webhooks", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop without waiting out retries; events still queued are dropped."""
        self._stopping.set()
        self._queue.put(None)
        self._thread.join(timeout=DELIVERY_TIMEOUT)

    def publish(self, event: JSON) -> None:
        if self._url is not None:
            self._queue.put(event)

    def wait_for(self, count: int, timeout: float) -> None:
        with self._delivered:
            if not self._delivered.wait_for(lambda: len(self.deliveries) >= count, timeout):
                raise TimeoutError(
                    f"{len(self.deliveries)} webhook deliveries after {timeout}s, not {count}"
                )

    def _run(self) -> None:
        while (event := self._queue.get()) is not None:
            self._deliver(event)

    def _deliver(self, event: JSON) -> None:
        payload = json.dumps(event, indent=2, ensure_ascii=False).encode()
        for attempt, delay in enumerate((0, *RETRY_DELAYS), start=1):
            if self._stopping.wait(delay):
                return
            status = self._post(payload)
            with self._delivered:
                self.deliveries.append(
                    {"event_id": event["id"], "status": status, "attempt": attempt}
                )
                self._delivered.notify_all()
            if isinstance(status, int) and 200 <= status < 300:
                return

    def _post(self, payload: bytes) -> int | str:
        """The endpoint's status code, or why there was none."""
        timestamp = int(self._clock())
        signed = f"{timestamp}.".encode() + payload
        signature = hmac.new(self._secret, signed, hashlib.sha256).hexdigest()
        request = urllib.request.Request(  # noqa: S310 -- the scheme was checked in __init__.
            self._url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": f"t={timestamp},v1={signature}",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        try:
            with _OPENER.open(request, timeout=DELIVERY_TIMEOUT) as response:
                return response.status
        except urllib.error.HTTPError as error:
            error.close()
            return error.code
        except (OSError, http.client.HTTPException) as error:
            return f"{type(error).__name__}: {error}"


# HTTP.

Operation = Callable[..., JSON]


def _routes(*table: tuple[str, str, Operation]) -> list[tuple[str, re.Pattern[str], Operation]]:
    """Compile ``/v1/refunds/<refund_id>``-style paths, as Django's ``path()`` reads them."""
    return [
        (method, re.compile(re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", path)), operation)
        for method, path, operation in table
    ]


_API_ROUTES = _routes(
    ("POST", "/v1/checkout/sessions", _Store.create_session),
    ("GET", "/v1/checkout/sessions/<session_id>", _Store.retrieve_session),
    ("GET", "/v1/checkout/sessions/<session_id>/line_items", _Store.list_line_items),
    ("POST", "/v1/checkout/sessions/<session_id>/expire", _Store.expire_session),
    ("GET", "/v1/payment_intents/<payment_intent_id>", _Store.retrieve_payment_intent),
    ("POST", "/v1/refunds", _Store.create_refund),
    ("GET", "/v1/refunds", _Store.list_refunds),
    ("GET", "/v1/refunds/<refund_id>", _Store.retrieve_refund),
)
_CONTROL_ROUTES = _routes(
    ("GET", "/_standin/sessions/<session_id>", _Store.retrieve_session),
    ("POST", "/_standin/sessions/<session_id>/pay", _Store.pay),
    ("POST", "/_standin/sessions/<session_id>/pay-async", _Store.pay_async),
    ("POST", "/_standin/sessions/<session_id>/settle", _Store.settle),
    ("POST", "/_standin/sessions/<session_id>/expire", _Store.expire_session),
    ("POST", "/_standin/events/<event_id>/resend", _Store.resend_event),
    ("POST", "/_standin/refund-outcome", _Store.set_refund_outcome),
    ("POST", "/_standin/delay", _Store.set_api_delay),
    ("POST", "/_standin/refunds/<refund_id>/settle", _Store.settle_refund),
    ("POST", "/_standin/payment_intents/<payment_intent_id>/refund", _Store.refund_from_dashboard),
)
_CHECKOUT_PATH = re.compile(
    r"/pay/(?P<session_id>[^/]+)(?:/(?P<action>pay|pay-async|decline|cancel))?"
)
_PAYMENTS = {"pay": _Store.pay, "pay-async": _Store.pay_async}


def _resolve(
    routes: list[tuple[str, re.Pattern[str], Operation]], method: str, path: str
) -> tuple[Operation, dict[str, str]]:
    for route_method, pattern, operation in routes:
        if route_method == method and (match := pattern.fullmatch(path)):
            return operation, match.groupdict()
    raise StripeError(f"Unrecognized request URL ({method}: {path}).", status=HTTPStatus.NOT_FOUND)


def _authenticate(authorization: str) -> None:
    """Stripe's test mode: any ``sk_test_`` key opens the API. The SDK sends it as Bearer."""
    scheme, _, key = authorization.partition(" ")
    if scheme != "Bearer" or not key:
        raise StripeError(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY').",
            status=HTTPStatus.UNAUTHORIZED,
        )
    if not key.startswith(TEST_KEY_PREFIX):
        masked = "*" * max(len(key) - 4, 0) + key[-4:]
        raise StripeError(f"Invalid API Key provided: {masked}", status=HTTPStatus.UNAUTHORIZED)


class _Server(ThreadingHTTPServer):
    store: _Store

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up before its answer (its own timeout, with the API slow) is no
        error of the stand-in's."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Speaks HTTP for the ``_Store``: the API, ``/_standin/`` controls and the checkout page."""

    server: _Server
    protocol_version = "HTTP/1.1"  # The SDK keeps its connections alive.

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        try:
            if url.path.startswith("/pay/"):
                self._checkout_page(method, url.path)
                return
            params = decode_params("&".join(filter(None, (url.query, body))))
            if url.path.startswith("/v1/"):
                self._api(method, url.path, params)
            else:
                operation, ids = _resolve(_CONTROL_ROUTES, method, url.path)
                self._send_json(HTTPStatus.OK, operation(self.server.store, params, **ids))
        except StripeError as error:
            self._send_json(error.status, error.body())

    def _api(self, method: str, path: str, params: JSON) -> None:
        self.server.store.api_calls.append((method, path))
        if self.server.store.api_delay:
            time.sleep(self.server.store.api_delay)
        _authenticate(self.headers.get("Authorization", ""))
        operation, ids = _resolve(_API_ROUTES, method, path)
        store = self.server.store
        response, replayed = store.run_idempotently(
            self.headers.get("Idempotency-Key") if method == "POST" else None,
            (path, params),
            lambda: operation(store, params, **ids),
        )
        self._send_json(
            HTTPStatus.OK, response, {"Idempotent-Replayed": "true"} if replayed else {}
        )

    def _checkout_page(self, method: str, path: str) -> None:
        """Stripe's hosted checkout: forms POST back here and get a redirect or the page again."""
        match = _CHECKOUT_PATH.fullmatch(path)
        if match is None or (method == "GET") != (match["action"] is None):
            self._send_html(HTTPStatus.NOT_FOUND, _render_missing())
            return
        store, session_id, action = self.server.store, match["session_id"], match["action"]
        if action in _PAYMENTS:
            # A session that can't be paid any more falls through to the page, which says why.
            with contextlib.suppress(StripeError):
                self._redirect(_PAYMENTS[action](store, {}, session_id)["redirect"])
                return
        try:
            session = store.retrieve_session({"expand": ["line_items"]}, session_id)
        except StripeError:
            self._send_html(HTTPStatus.NOT_FOUND, _render_missing())
            return
        if action == "cancel":
            self._redirect(session["cancel_url"] or store.checkout_url(session_id))
            return
        declined = action == "decline" and session["status"] == "open"
        page = _render_checkout(session, store.checkout_url(session_id), declined)
        self._send_html(HTTPStatus.OK, page)

    def _send_json(self, status: int, body: JSON, headers: dict[str, str] | None = None) -> None:
        headers = {"Request-Id": _new_id("req_", 14), **(headers or {})}
        self._send(status, "application/json", json.dumps(body, indent=2).encode(), headers)

    def _send_html(self, status: int, page: str) -> None:
        self._send(status, "text/html; charset=utf-8", page.encode())

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.SEE_OTHER, "text/plain", b"", {"Location": location})

    def _send(
        self, status: int, content_type: str, payload: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``StripeStandIn.events`` and ``deliveries`` instead of stderr."""


# The checkout page.

_PAGE = string.Template("""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stand-in Stripe Checkout</title>
<style>
body { margin: 0; background: #f6f9fc; color: #1a1f36; font: 16px/1.5 system-ui, sans-serif; }
main { max-width: 28rem; margin: 3rem auto; padding: 2rem; background: #fff;
       border-radius: 8px; box-shadow: 0 2px 12px rgb(0 0 0 / 8%); }
h1 { margin-top: 0; font-size: 1.25rem; }
table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
td { padding: .5rem 0; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
td + td { text-align: right; white-space: nowrap; }
tr.total td { border-bottom: 0; font-weight: 600; }
.muted { color: #697386; font-size: .875rem; }
.error { padding: .75rem; border-radius: 6px; background: #fde8e8; color: #a41c1c; }
form { margin: .5rem 0; }
button { width: 100%; padding: .75rem; border: 1px solid #cfd7df; border-radius: 6px;
         background: #fff; font: inherit; cursor: pointer; }
button.primary { border-color: #635bff; background: #635bff; color: #fff; font-weight: 600; }
</style>
</head>
<body><main>
<h1>Stand-in Stripe Checkout</h1>
$content
</main></body>
</html>
""")
_BUTTONS = (
    ("pay", "Pay"),
    ("pay-async", "Pay by bank transfer (settles later)"),
    ("decline", "Decline"),
    ("cancel", "Cancel"),
)
_PRIMARY = ' class="primary"'


def _money(amount: int, currency: str) -> str:
    """Minor units as a price; the page shows two-decimal currencies (``usd``, ``eur``) only."""
    return f"{amount // 100:,}.{amount % 100:02d} {currency.upper()}"


def _render_checkout(session: JSON, page_url: str, declined: bool) -> str:
    """The payment page, or for a session that can't be paid any more, why and a way back."""
    currency = session["currency"]
    rows = [
        (f"{item['description']} × {item['quantity']}", item["amount_total"])
        for item in session["line_items"]["data"]
    ]
    if session["shipping_cost"]:
        rows.append(("Shipping", session["shipping_cost"]["amount_total"]))
    cells = "".join(
        f"<tr><td>{escape(label)}</td><td>{_money(amount, currency)}</td></tr>"
        for label, amount in rows
    )
    total = _money(session["amount_total"], currency)
    cells += f'<tr class="total"><td>Total</td><td>{total}</td></tr>'
    email = session["customer_email"] or (session["customer_details"] or {}).get("email")
    parts = [f'<p class="muted">{escape(email)}</p>' if email else "", f"<table>{cells}</table>"]
    if declined:
        parts.append(f'<p class="error" role="alert">{DECLINED}</p>')
    if session["status"] == "open":
        parts.append('<p class="muted">Simulated payment: no real card is charged.</p>')
        parts.extend(
            f'<form method="post" action="{escape(page_url)}/{action}">'
            f'<button type="submit" id="{action}"{_PRIMARY if action == "pay" else ""}>{label}'
            "</button></form>"
            for action, label in _BUTTONS
        )
    else:
        parts.append(_closed_notice(session))
    return _PAGE.substitute(content="\n".join(filter(None, parts)))


def _closed_notice(session: JSON) -> str:
    if session["status"] == "expired":
        message, back = "This checkout session has expired.", session["cancel_url"]
    elif session["payment_status"] == "paid":
        message, back = "This checkout session is complete: it is paid.", _success_redirect(session)
    else:
        message = "This checkout session is complete: the bank transfer has yet to settle."
        back = _success_redirect(session)
    link = f' <a href="{escape(back)}">Return to the store</a>' if back else ""
    return f"<p>{message}{link}</p>"


def _render_missing() -> str:
    return _PAGE.substitute(content="<p>No such checkout session.</p>")


# The stand-in.


class StripeStandIn:
    """
    Stripe's API, hosted checkout page and webhooks, served from daemon threads.

    The port is bound on construction, so ``url`` is known before ``start()``. ``clock`` lets
    tests move time forward to see sessions expire.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_url: str | None = None,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        public_url: str | None = None,
        clock: Clock = time.time,
    ) -> None:
        self._server = _Server((host, port), _Handler)
        self._webhooks = _WebhookSender(webhook_url, webhook_secret, clock)
        self._store = _Store(
            clock=clock,
            checkout_base=(public_url or self.url).rstrip("/"),
            publish=self._webhooks.publish,
        )
        self._server.store = self._store
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self.events: list[JSON] = self._store.events
        self.api_calls: list[tuple[str, str]] = self._store.api_calls
        self.deliveries: list[JSON] = self._webhooks.deliveries

    @property
    def url(self) -> str:
        """The SDK's API base: ``StripeClient(key, base_addresses={"api": url})``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StripeStandIn:
        # A short poll keeps stop() quick, for tests that start one per test: shutdown() waits
        # for the loop's next poll.
        self._threads = [
            threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.01},
                name="stripe-standin",
                daemon=True,
            ),
            threading.Thread(target=self._tick, name="stripe-standin-expiry", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self._webhooks.start()
        return self

    def stop(self) -> None:
        if self._threads:
            self._stopping.set()
            self._server.shutdown()
            self._webhooks.stop()
            for thread in self._threads:
                thread.join()
            self._threads = []
        self._server.server_close()

    def __enter__(self) -> StripeStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def wait_for_deliveries(self, count: int, timeout: float = 10) -> None:
        """Block until ``count`` delivery attempts are recorded; raise TimeoutError if not."""
        self._webhooks.wait_for(count, timeout)

    def _tick(self) -> None:
        while not self._stopping.wait(TICK_SECONDS):
            self._store.expire_overdue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m standins.stripe_api",
        description="Serve a local stand-in for Stripe's API, checkout page and webhooks.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook-url", help="where to POST signed events, e.g. the store's")
    parser.add_argument("--webhook-secret", default=DEFAULT_WEBHOOK_SECRET)
    parser.add_argument("--public-url", help="the base URL browsers reach this server at")
    args = parser.parse_args(argv)
    standin = StripeStandIn(
        host=args.host,
        port=args.port,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        public_url=args.public_url,
    ).start()
    print(f"Stripe stand-in listening on {standin.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()


if __name__ == "__main__":
    main()
