"""Orders made directly, for tests that need one in a given state without a checkout."""

from __future__ import annotations

from decimal import Decimal

from checkout.models import Order, OrderLine, OrderStatus


def an_order(email: str, user=None, **fields) -> Order:
    """A paid order of one Wrap Dress (M, black) at 80.00 with 6.00 shipping; `fields` override
    any of the order's."""
    order = Order.objects.create(
        **{
            "user": user,
            "email": email,
            "currency": "usd",
            "subtotal": Decimal("80"),
            "shipping_total": Decimal("6"),
            "total": Decimal("86"),
            "shipping_method": "standard",
            "shipping_label": "Standard",
            "status": OrderStatus.PAID,
            "ship_name": "Ann Shopper",
            "ship_line1": "1 Linen Lane",
            "ship_city": "Portland",
            "ship_postcode": "97201",
            "ship_country": "US",
            "ship_phone": "+1 503 555 0100",
            **fields,
        }
    )
    OrderLine.objects.create(
        order=order,
        product_title="Wrap Dress",
        size="M",
        colour="Black",
        sku="W-M-B",
        unit_price=Decimal("80"),
        quantity=1,
        line_total=Decimal("80"),
    )
    return order
