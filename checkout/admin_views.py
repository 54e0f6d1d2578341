"""The merchandiser's side of orders in the Wagtail admin: orders to search, filter, inspect,
ship, refund and cancel, and discount codes. The actions parse the form, call checkout.services
and report what it says; what an order allows now is the order's to answer (`can_ship`...)."""

from __future__ import annotations

import uuid

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from catalog.money import format_money

from . import refunds, services
from .exceptions import CheckoutError
from .forms import RefundForm, ShipForm
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
            ship_form=ShipForm(),
        )
        return context


class OrderFilterSet(WagtailFilterSet):
    to_ship = django_filters.BooleanFilter(
        label=_("To ship"),
        method="filter_to_ship",
        widget=forms.CheckboxInput,
        help_text=_("Paid and not shipped yet, whatever part was refunded."),
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Placed"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Order
        fields = ["payment_status", "fulfilment_status"]

    def filter_to_ship(self, queryset, name, value):
        return queryset.to_ship() if value else queryset


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
    filterset_class = OrderFilterSet
    list_display = [
        TitleColumn("number", label=_("Number"), url_name="orders:inspect"),
        "email",
        Column("payment_status", label=_("Payment"), accessor="get_payment_status_display"),
        Column("fulfilment_status", label=_("Shipping"), accessor="get_fulfilment_status_display"),
        MoneyColumn("total", label=_("Total"), accessor="total"),
        DateColumn("created_at", label=_("Placed")),
    ]
    list_export = [
        "number",
        "email",
        "payment_status",
        "fulfilment_status",
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
            path("<int:pk>/refund/", RefundView.as_view(), name="refund"),
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
    form = ShipForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["tracking_number"][0])
        return back_to_order(order)
    try:
        services.mark_shipped(
            order.pk, tracking_number=form.cleaned_data["tracking_number"].strip(), by=request.user
        )
    except CheckoutError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Order %(number)s is marked shipped; the customer is told by email.")
            % {"number": order.number},
        )
    return back_to_order(order)


class RefundView(WagtailAdminTemplateMixin, TemplateView):
    """Refund an order in two steps: choose pieces (at what the shopper paid for them), the
    shipping, or an amount of one's own, and what goes back on sale; then confirm what will be
    refunded and restocked. Only the confirmation calls Stripe."""

    template_name = "checkout/admin/refund_form.html"
    header_icon = "rotate"

    def dispatch(self, request, pk: int):
        self.order = changeable_order(request, pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Refund order %(number)s") % {"number": self.order.number}

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("orders:index"), "label": _("Orders")},
            {"url": reverse("orders:inspect", args=[self.order.pk]), "label": self.order.number},
            {"url": "", "label": _("Refund")},
        ]

    def make_form(self, data=None) -> RefundForm:
        form = RefundForm(
            data,
            states=refunds.line_states(self.order),
            shipping_left=refunds.refundable_shipping(self.order),
        )
        if data is None:
            form.initial["key"] = uuid.uuid4().hex
        return form

    def get(self, request, pk: int):
        if not self.order.can_refund:
            messages.error(request, _("There is nothing to refund on this order."))
            return back_to_order(self.order)
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def post(self, request, pk: int):
        form = self.make_form(request.POST)
        if not form.is_valid() or "edit" in request.POST:
            return self.render_to_response(self.get_context_data(form=form))
        try:
            plan = refunds.plan_refund(
                self.order,
                quantities=form.quantities("refund"),
                restock=form.quantities("restock"),
                shipping=form.cleaned_data.get("shipping", False),
                custom_amount=form.custom_amount(),
                reason=form.cleaned_data["reason"],
            )
        except refunds.RefundInvalid as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render_to_response(self.get_context_data(form=form))
        if "confirm" not in request.POST:
            return self.render_to_response(
                self.get_context_data(form=form, plan=plan),
                template="checkout/admin/refund_confirm.html",
            )
        try:
            made = refunds.refund_plan(plan, key=form.cleaned_data["key"], by=request.user)
        except CheckoutError as error:
            messages.error(request, error.message)
            return back_to_order(self.order)
        figures = {
            "amount": format_money(plan.amount, self.order.currency),
            "number": self.order.number,
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
        return back_to_order(self.order)

    def render_to_response(self, context, template=None, **kwargs):
        if template:
            self.template_name = template
        return super().render_to_response(context, **kwargs)


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
            % {"number": order.number, "status": order.get_payment_status_display().lower()},
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
