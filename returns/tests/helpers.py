"""Building a shipped order to return, through the real checkout and the Stripe stand-in."""

from __future__ import annotations

from checkout import services
from checkout.models import Order
from checkout.tests.helpers import check_out, fill_basket, pay
from returns.services import AskedLine


def shipped_order(client, stripe_standin, *pieces) -> Order:
    """Ann's order of `pieces` ((variant, quantity), ...), paid at the stand-in and shipped."""
    for variant, quantity in pieces:
        fill_basket(client, variant, quantity)
    assert check_out(client).status_code == 303
    order = pay(client, stripe_standin, Order.objects.order_by("-pk").first())
    return services.mark_shipped(order.pk, tracking_number="1Z1")


def asked(line, quantity=1, *, reason="too_small", exchange=None) -> AskedLine:
    return AskedLine(
        line_id=line.pk,
        quantity=quantity,
        reason=reason,
        outcome="exchange" if exchange else "refund",
        exchange_variant_id=exchange.pk if exchange else None,
    )
