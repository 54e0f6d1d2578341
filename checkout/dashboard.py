"""The Wagtail dashboard's view of the day's trade."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from wagtail.admin.ui.components import Component

from catalog.models import MerchandisingSettings, ProductVariant
from catalog.money import format_money

from .models import Order, Payment, PaymentStatus, Refund


class TradePanel(Component):
    """The dashboard's view of the day: orders, revenue, and what is about to sell out."""

    name = "trade"
    order = 50
    template_name = "checkout/admin/trade_panel.html"

    def get_context_data(self, parent_context=None):
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        taken = Payment.objects.filter(created_at__gte=today).aggregate(
            count=Count("pk"), total=Sum("amount")
        )
        given_back = Refund.objects.filter(
            status=Refund.Status.SUCCEEDED, settled_at__gte=today
        ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
        threshold = MerchandisingSettings.load().low_stock_threshold
        return {
            "orders_today": Order.objects.filter(created_at__gte=today).count(),
            "paid_today": taken["count"],
            # Takings: what was paid today, less what went back today.
            "revenue_today": format_money((taken["total"] or Decimal("0")) - given_back),
            "awaiting_payment": Order.objects.filter(
                payment_status=PaymentStatus.PENDING, created_at__gte=today - timedelta(days=1)
            ).count(),
            "to_ship": Order.objects.to_ship().count(),
            "low_stock": ProductVariant.objects.select_related("product", "size", "colour")
            .filter(stock__lte=threshold)
            .order_by("stock", "product__title")[:10],
            "threshold": threshold,
        }
