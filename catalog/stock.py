"""Stock moves. Every change to `ProductVariant.stock` goes through this module."""

from django.db.models import F
from django.db.models.functions import Greatest

from .models import ProductVariant


def adjust_stock(*, variant_id: int, change: int) -> None:
    """Add `change` pieces (negative to take away) in one UPDATE, so a concurrent sale is never
    overwritten; stock stops at zero rather than going below it."""
    ProductVariant.objects.filter(pk=variant_id).update(stock=Greatest(F("stock") + change, 0))
