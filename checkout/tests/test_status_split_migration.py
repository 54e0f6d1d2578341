"""Migration 0005 splits an existing order's one status into its payment and its fulfilment,
and its history with it (issue 11, item 2)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from checkout.models import Order, OrderStatusChange

BEFORE_THE_SPLIT = [("checkout", "0004_refund_status")]

# The one status of before, with or without a shipping date → (payment, fulfilment) after.
# Written out by hand, not read from the migration's own tables.
EXPECTED = {
    ("pending_payment", False): ("pending", "unfulfilled"),
    ("paid", False): ("paid", "unfulfilled"),
    ("shipped", True): ("paid", "shipped"),
    ("delivered", True): ("paid", "delivered"),
    ("partially_refunded", False): ("partly_refunded", "unfulfilled"),
    # A refund used to replace "shipped": the shipping date says it went out.
    ("partially_refunded", True): ("partly_refunded", "shipped"),
    ("refunded", True): ("refunded", "shipped"),
    ("cancelled", False): ("cancelled", "unfulfilled"),
    ("expired", False): ("expired", "unfulfilled"),
}


def old_order(Order, number: str, status: str, *, shipped: bool):
    return Order.objects.create(
        number=number,
        email="ada@example.com",
        status=status,
        currency="USD",
        subtotal=Decimal("100.00"),
        shipping_total=Decimal("5.00"),
        total=Decimal("105.00"),
        shipping_method="standard",
        shipping_label="Standard",
        ship_name="Ada Lovelace",
        ship_line1="1 Loom Street",
        ship_city="London",
        ship_postcode="N1 1AA",
        ship_country="GB",
        shipped_at="2026-11-01T10:00:00Z" if shipped else None,
    )


@pytest.mark.django_db(transaction=True)
def test_existing_orders_and_their_histories_are_split():
    # Given orders in every status of before, one with its history, on the schema before the split
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_THE_SPLIT)
    old = executor.loader.project_state(BEFORE_THE_SPLIT).apps
    OldOrder = old.get_model("checkout", "Order")
    OldChange = old.get_model("checkout", "OrderStatusChange")
    numbers = {}
    for index, (status, shipped) in enumerate(EXPECTED):
        order = old_order(OldOrder, f"DS-OLD{index:04d}", status, shipped=shipped)
        numbers[order.number] = (status, shipped)
    history = OldOrder.objects.get(number="DS-OLD0005")  # partly refunded after shipping
    for from_status, to_status in [
        ("pending_payment", "paid"),
        ("paid", "shipped"),
        ("shipped", "partially_refunded"),
    ]:
        OldChange.objects.create(order=history, from_status=from_status, to_status=to_status)

    # When the migrations run
    MigrationExecutor(connection).migrate(latest)

    # Then each order's payment and fulfilment are what its one status meant
    split = {
        order.number: (order.payment_status, order.fulfilment_status)
        for order in Order.objects.filter(number__in=numbers)
    }
    assert split == {number: EXPECTED[before] for number, before in numbers.items()}
    # And its history tells the payment's moves from the shipping's
    changes = OrderStatusChange.objects.filter(order__number="DS-OLD0005").order_by("pk")
    assert [(change.kind, change.from_status, change.to_status) for change in changes] == [
        ("payment", "pending", "paid"),
        ("fulfilment", "unfulfilled", "shipped"),
        ("payment", "paid", "partly_refunded"),
    ]
