"""The merchandiser's side of orders in the Wagtail admin: orders to search, filter, inspect,
ship, refund and cancel, and discount codes. The actions parse the form, call checkout.services
and report what it says; what an order allows now is the order's to answer (`can_ship`...)."""

from __future__ import annotations

import uuid
from decimal import InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from catalog.money import format_money

from . import services
from .exceptions import CheckoutError
from .forms import RefundForm
from .models import DiscountCode, Order, Refund
from .permissions import CHANGE_ORDER


class MoneyColumn(Column):
    def get_value(self, instance):
        return format_money(getattr(instance, self.accessor), instance.currency)


class DiscountValueColumn(Column):
    """15 %, or $15.00."""

    def get_value(self, instance):
        if instance.kind == DiscountCode.Kind.PERCENT:
            return _("%(value)s %%") % {"value": f"{instance.value.normalize():f}"}
        return format_money(instance.value)


class OrderInspectView(InspectView):
    template_name = "checkout/admin/order_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        context.update(
            order=order,
            lines=order.lines.all(),
            payments=order.payments.all(),
            refunds=order.refunds.all(),
            history=order.status_changes.select_related("by"),
            can_change=self.request.user.has_perm(CHANGE_ORDER),
            refund_key=uuid.uuid4().hex,
        )
        return context


class OrderAdminViewSet(ModelViewSet):
    model = Order
    icon = "list-ul"
    menu_label = _("Orders")
    add_to_admin_menu = False
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    copy_view_enabled = False
    list_per_page = 50
    search_fields = ["number", "email"]
    list_filter = {"status": ["exact"], "created_at": ["date__gte", "date__lte"]}
    list_display = [
        TitleColumn("number", label=_("Number"), url_name="orders:inspect"),
        "email",
        Column("status", label=_("Status"), accessor="get_status_display"),
        MoneyColumn("total", label=_("Total"), accessor="total"),
        DateColumn("created_at", label=_("Placed")),
    ]
    list_export = [
        "number",
        "email",
        "status",
        "currency",
        "subtotal",
        "discount_total",
        "shipping_total",
        "total",
        "refunded_total",
        "created_at",
    ]
    form_fields = ["tracking_number"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/ship/", require_POST(ship), name="ship"),
            path("<int:pk>/refund/", require_POST(refund), name="refund"),
            path("<int:pk>/cancel/", require_POST(cancel), name="cancel"),
        ]


def changeable_order(request, pk: int) -> Order:
    if not request.user.has_perm(CHANGE_ORDER):
        raise PermissionDenied
    return get_object_or_404(Order, pk=pk)


def back_to_order(order: Order):
    return redirect(reverse("orders:inspect", args=[order.pk]))


def ship(request, pk: int):
    order = changeable_order(request, pk)
    tracking = request.POST.get("tracking_number", "").strip()
    if not tracking:
        messages.error(request, _("Enter the tracking number the courier gave you."))
        return back_to_order(order)
    try:
        services.mark_shipped(order.pk, tracking_number=tracking[:64], by=request.user)
    except CheckoutError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Order %(number)s is marked shipped; the customer is told by email.")
            % {"number": order.number},
        )
    return back_to_order(order)


def refund(request, pk: int):
    order = changeable_order(request, pk)
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the amount to refund, such as 25.00."))
        return back_to_order(order)
    restock = {}
    for line in order.lines.all():
        try:
            quantity = int(request.POST.get(f"restock-{line.pk}", "0") or 0)
        except ValueError:
            quantity = 0
        if quantity > 0:
            restock[line.pk] = quantity
    try:
        made = services.refund(
            order.pk,
            amount=form.cleaned_data["amount"],
            restock=restock,
            key=form.cleaned_data["key"],
            by=request.user,
        )
    except (CheckoutError, InvalidOperation) as error:
        messages.error(request, getattr(error, "message", str(error)))
    else:
        figures = {
            "amount": format_money(form.cleaned_data["amount"], order.currency),
            "number": order.number,
        }
        if made.status == Refund.Status.SUCCEEDED:
            messages.success(request, _("Refunded %(amount)s of order %(number)s.") % figures)
        elif made.status == Refund.Status.PENDING:
            messages.warning(
                request,
                _(
                    "The refund of %(amount)s of order %(number)s is pending at the shopper's "
                    "bank; it counts once Stripe says it succeeded."
                )
                % figures,
            )
        else:
            messages.error(
                request, _("Stripe could not refund %(amount)s of order %(number)s.") % figures
            )
    return back_to_order(order)


def cancel(request, pk: int):
    order = changeable_order(request, pk)
    try:
        order = services.cancel_unpaid(order.pk, by=request.user)
    except CheckoutError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Order %(number)s is now %(status)s.")
            % {"number": order.number, "status": order.get_status_display()},
        )
    return back_to_order(order)


class DiscountCodeViewSet(ModelViewSet):
    model = DiscountCode
    icon = "tag"
    menu_label = _("Discount codes")
    add_to_admin_menu = False
    copy_view_enabled = False
    search_fields = ["code"]
    list_filter = ["active", "kind"]
    list_display = [
        "code",
        "kind",
        DiscountValueColumn("value", label=_("Value")),
        "valid_from",
        "valid_until",
        "usage_limit",
        "active",
    ]


class CheckoutGroup(ModelViewSetGroup):
    items = (OrderAdminViewSet("orders"), DiscountCodeViewSet("discount_codes"))
    menu_label = _("Shop")
    menu_icon = "list-ul"
    menu_order = 200
