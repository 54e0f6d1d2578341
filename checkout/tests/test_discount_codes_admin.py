"""Discount codes in the admin speak to merchandisers in words: a refused code says why beside
the field at fault, and the list shows a percentage as one."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checkout.models import DiscountCode
from checkout.tests.factories import DiscountCodeFactory
from testing.admin import errors_beside_fields
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


def code_form(**fields) -> dict:
    return {
        "code": "SUMMER15",
        "kind": "percent",
        "value": "15",
        "minimum_subtotal": "0",
        "valid_from": "",
        "valid_until": "",
        "active": "on",
        "usage_limit": "",
        "per_customer_limit": "1",
        **fields,
    }


@pytest.fixture
def merchandiser(client, staff):
    client.force_login(staff["merchandiser"])
    return client


@pytest.mark.parametrize("typed", ["SUMMER15", "summer15", " Summer15 "])
def test_a_code_that_exists_is_refused_beside_the_field(merchandiser, typed):
    DiscountCodeFactory(code="SUMMER15")

    response = merchandiser.post(reverse("discount_codes:add"), code_form(code=typed))

    assert errors_beside_fields(response) == {"code": "That code already exists."}
    assert DiscountCode.objects.count() == 1


def test_a_code_keeps_its_own_name_when_edited(merchandiser):
    code = DiscountCodeFactory(code="SUMMER15", value=Decimal("15"))

    response = merchandiser.post(
        reverse("discount_codes:edit", args=[code.pk]), code_form(value="20")
    )

    assert response.status_code == 302
    code.refresh_from_db()
    assert code.value == Decimal("20.00")


def test_valid_until_before_valid_from_is_refused_beside_the_field(merchandiser):
    response = merchandiser.post(
        reverse("discount_codes:add"),
        code_form(valid_from="2026-07-01 00:00", valid_until="2026-06-30 23:59"),
    )

    assert errors_beside_fields(response) == {
        "valid_until": "The code would end before it starts: make “valid until” later than "
        "“valid from”, or leave it empty."
    }
    assert not DiscountCode.objects.exists()


def test_a_percentage_above_100_is_refused_beside_the_field(merchandiser):
    response = merchandiser.post(reverse("discount_codes:add"), code_form(value="150"))

    assert errors_beside_fields(response) == {
        "value": "A percentage cannot be above 100: enter the percent off, such as 15."
    }
    assert not DiscountCode.objects.exists()


def test_the_list_shows_percentages_and_amounts_as_such(merchandiser):
    DiscountCodeFactory(code="SUMMER15", kind=DiscountCode.Kind.PERCENT, value=Decimal("15"))
    DiscountCodeFactory(code="HALF", kind=DiscountCode.Kind.PERCENT, value=Decimal("12.50"))
    DiscountCodeFactory(code="FIVER", kind=DiscountCode.Kind.FIXED, value=Decimal("5"))

    soup = soup_of(merchandiser.get(reverse("discount_codes:index")))
    headings = [th.get_text(strip=True) for th in soup.select("table.listing thead th")]
    value = headings.index("Value")
    shown = {
        row.select_one("td a").get_text(strip=True): row.select("td")[value].get_text(strip=True)
        for row in soup.select("table.listing tbody tr")
    }

    assert shown == {"SUMMER15": "15 %", "HALF": "12.5 %", "FIVER": "$5.00"}
