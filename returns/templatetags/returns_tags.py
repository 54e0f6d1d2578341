"""What an order's page says of returns: the order's returns, and whether more may be asked."""

from django import template

from returns import services

register = template.Library()


@register.simple_tag
def returns_of(order) -> dict:
    """`{% returns_of order as returning %}`: `returning.returns`, and `returning.why_not` ("" when
    pieces may be returned now)."""
    return {
        "returns": list(order.returns.all()),
        "why_not": services.why_not_returnable(order),
    }
