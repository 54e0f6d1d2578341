"""Stock never goes below zero, however many pieces are asked for: a change stops at zero, and a
reservation of more than is left takes nothing."""

import pytest
from django.db import transaction

from catalog.stock import InsufficientStock, adjust_stock, reserve

pytestmark = pytest.mark.django_db


def test_taking_away_more_than_is_left_stops_at_zero(dress):
    # Given 3 pieces left
    # When 5 are taken away (a count made while 2 were selling, say)
    adjust_stock(variant_id=dress.pk, change=-5)

    # Then none is left, rather than a refusal from the database or a debt of 2
    dress.refresh_from_db()
    assert dress.stock == 0


def test_a_reservation_of_more_than_is_left_takes_nothing(make_product):
    # Given 5 left of one dress and, made after it (rows are taken in primary-key order), 3 left
    # of another
    plenty = make_product(title="Shirt Dress", stock={("S", "Ivory"): 5}).variants.get()
    short = make_product(title="Wrap Dress", stock={("M", "Black"): 3}).variants.get()

    # When a checkout asks for 1 of the first and 4 of the second, in its transaction
    with transaction.atomic():
        with pytest.raises(InsufficientStock) as refused:
            reserve({plenty.pk: 1, short.pk: 4})

        # Then it is refused for the one that is short, and not a piece of either was taken
        assert (refused.value.variant, refused.value.wanted) == (short, 4)
        plenty.refresh_from_db()
        short.refresh_from_db()
        assert (plenty.stock, short.stock) == (5, 3)
