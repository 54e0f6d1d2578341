"""Twenty shoppers check out the last three pieces at the same moment, on real PostgreSQL
connections: exactly three orders, stock never below zero, and no deadlock."""

import threading
import time
from collections import Counter

import pytest
from django.db import connections

from catalog.models import ProductVariant
from checkout import services
from checkout.exceptions import OutOfStock
from checkout.models import Basket, Order
from checkout.services import CheckoutDetails, ShippingAddress
from checkout.tests.factories import BasketFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOPPERS = 20


def test_twenty_checkouts_for_three_pieces(make_product):
    # Given a dress with 3 left, and a second dress everyone also wants (locks on two rows)
    last_three = make_product(title="Last Three", stock={("M", "Black"): 3}).variants.get()
    plenty = make_product(title="Plenty", stock={("S", "Ivory"): 100}).variants.get()
    # Half the baskets hold the rows in one order, half in the other: locks must still be taken
    # in primary-key order.
    baskets = [
        BasketFactory(
            lines={last_three: 1, plenty: 1} if number % 2 else {plenty: 1, last_three: 1}
        )
        for number in range(SHOPPERS)
    ]
    start = threading.Barrier(SHOPPERS)
    outcomes = Counter()

    def shop(number: int, basket: Basket):
        details = CheckoutDetails(
            email=f"racer{number}@example.com",
            address=ShippingAddress(
                full_name="Racer", line1="1 Fast Lane", city="Leeds", postcode="LS1", country="GB"
            ),
            shipping_method="standard",
        )
        start.wait()
        try:
            services.place_order(basket=basket, details=details)
            outcomes["ordered"] += 1
        except OutOfStock:
            outcomes["out of stock"] += 1
        except Exception as error:  # a deadlock or anything else would land here
            outcomes[type(error).__name__] += 1
        finally:
            connections.close_all()

    # When all twenty check out at once
    started = time.monotonic()
    threads = [threading.Thread(target=shop, args=(n, b)) for n, b in enumerate(baskets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    elapsed = time.monotonic() - started

    # Then exactly three orders were placed, the rest were told it sold out, nothing else failed
    print(
        f"\nrace: {dict(outcomes)} in {elapsed:.2f} s; "
        f"final stock {ProductVariant.objects.get(pk=last_three.pk).stock}"
    )
    assert not any(thread.is_alive() for thread in threads)
    assert outcomes == Counter({"ordered": 3, "out of stock": SHOPPERS - 3})
    assert Order.objects.count() == 3
    last_three.refresh_from_db()
    plenty.refresh_from_db()
    assert last_three.stock == 0
    assert plenty.stock == 97
