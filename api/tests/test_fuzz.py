"""schemathesis against the live schema: every operation and method, generated requests
(valid and invalid), and every response must be no 5xx and conform to the schema."""

import zlib
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tests.factories import UserFactory
from catalog.tests.factories import StockAlertFactory
from checkout.tests.factories import BasketFactory, OrderFactory
from saved.tests.factories import SavedListFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
TOKEN: dict[str, str] = {}


@pytest.fixture(autouse=True)
def fuzz_data(db, make_product, settings, stripe_standin):
    """A catalog, a basket, an order, an alert, saved pieces and a token for the fuzzer to
    find."""
    settings.API_THROTTLE_RATES = {"anon": None, "user": None, "auth": None}
    for number in range(3):
        product = make_product(
            title=f"Dress {number}", price=Decimal("50.00") + number, stock={("M", "Black"): 5}
        )
    user = UserFactory(email="fuzz@example.com")
    TOKEN["key"] = Token.objects.create(user=user).key
    BasketFactory(user=user, lines={product.variants.get(): 1})
    OrderFactory(user=user)
    sold_out = make_product(title="Sold Out Dress", stock={("S", "Ivory"): 0}).variants.get()
    StockAlertFactory(variant=sold_out, user=user)
    SavedListFactory(user=user, pieces=[product, sold_out])
    # Requests go straight to the WSGI application, which would close the test's database
    # connection after each one (Django's own test client switches this off the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded once, when the module is collected: making the schema touches no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_answers_within_its_schema(case, fuzz_counter):
    # About half the cases as a signed-in caller, the others anonymous.
    signed_in = zlib.crc32(repr((case.query, case.body, case.path_parameters)).encode()) % 2
    headers = {"Authorization": f"Token {TOKEN['key']}"} if signed_in else {}
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    fuzz_counter["operations"][case.operation.label] += 1
    fuzz_counter["statuses"][response.status_code] += 1
