"""What returns teach merchandisers: return rates by product and by reason."""

from __future__ import annotations

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce, Round

from catalog.models import ProductPage
from checkout.models import FulfilmentStatus, OrderLine, PaymentStatus

from .models import ReturnLine, ReturnStatus

# Pieces that reached the shopper: shipped orders that were paid (whatever came back since).
SENT = {
    "order__fulfilment_status__in": [
        FulfilmentStatus.SHIPPED,
        FulfilmentStatus.DELIVERED,
        FulfilmentStatus.RETURNED,
    ],
    "order__payment_status__in": [
        PaymentStatus.PAID,
        PaymentStatus.PARTLY_REFUNDED,
        PaymentStatus.REFUNDED,
    ],
}


def asked_back() -> QuerySet[ReturnLine]:
    return ReturnLine.objects.exclude(ret__status=ReturnStatus.CANCELLED)


def rates_by_product() -> QuerySet:
    """Products that were sent out, with pieces sent, pieces asked back and the rate, highest
    rate first."""
    sent = (
        OrderLine.objects.filter(variant__product=OuterRef("pk"), **SENT)
        .order_by()
        .values("variant__product")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    returned = (
        asked_back()
        .filter(order_line__variant__product=OuterRef("pk"))
        .order_by()
        .values("order_line__variant__product")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return (
        ProductPage.objects.annotate(
            sent=Coalesce(Subquery(sent), 0), returned=Coalesce(Subquery(returned), 0)
        )
        .filter(sent__gt=0)
        .annotate(
            rate=Round(
                Cast(F("returned"), DecimalField(max_digits=12, decimal_places=4))
                * 100
                / F("sent"),
                1,
            )
        )
        .order_by("-rate", "-sent", "title")
        .values("pk", "title", "sent", "returned", "rate")
    )


def by_reason() -> QuerySet:
    """Each reason with its returned lines and pieces, most pieces first."""
    return (
        asked_back()
        .order_by()
        .values("reason")
        .annotate(lines=Count("pk"), pieces=Sum("quantity"))
        .order_by("-pieces", "reason")
    )
