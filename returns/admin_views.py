"""Returns in the Wagtail admin: merchandisers list and filter them, receive their pieces line
by line, call off one no piece of which arrived; and two reports, return rates by product and by
reason. `wagtail_hooks` registers them."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from checkout.exceptions import CheckoutError

from . import reports, services
from .forms import ReceiveForm
from .models import Reason, Return
from .views import call_off

CHANGE_RETURN = "returns.change_return"


class ReturnPermissionPolicy(ModelPermissionPolicy):
    """Returns are asked for by shoppers and stay for the books: nobody adds or deletes them."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


class ReturnFilterSet(WagtailFilterSet):
    reason = django_filters.ChoiceFilter(
        label=_("Reason"), field_name="lines__reason", choices=Reason.choices, distinct=True
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Requested"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Return
        fields = ["status"]


class ReturnInspectView(InspectView):
    template_name = "returns/admin/return_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ret = self.object
        context.update(
            ret=ret,
            lines=ret.lines.select_related(
                "order_line", "exchange_variant__size", "exchange_variant__colour", "exchange_order"
            ),
            history=ret.status_changes.select_related("by"),
            can_change=self.request.user.has_perm(CHANGE_RETURN),
            receive_form=ReceiveForm(ret=ret) if ret.waits_for_pieces else None,
        )
        return context


class ReturnViewSet(ModelViewSet):
    model = Return
    icon = "rotate"
    menu_label = _("Returns")
    menu_order = 201  # after Shop
    add_to_admin_menu = True
    inspect_view_enabled = True
    inspect_view_class = ReturnInspectView
    copy_view_enabled = False
    list_per_page = 50
    search_fields = ["number", "order__number", "order__email"]
    filterset_class = ReturnFilterSet
    list_display = [
        TitleColumn("number", label=_("Return"), url_name="returns_admin:inspect"),
        Column("order", label=_("Order"), accessor="order.number"),
        Column("email", label=_("Email"), accessor="order.email"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("created_at", label=_("Requested")),
    ]
    list_export = ["number", "order.number", "order.email", "status", "created_at", "received_at"]
    form_fields = []

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/receive/", require_POST(receive), name="receive"),
            path("<int:pk>/cancel/", require_POST(cancel), name="cancel"),
        ]


def changeable_return(request, pk: int) -> Return:
    if not request.user.has_perm(CHANGE_RETURN):
        raise PermissionDenied
    return get_object_or_404(Return, pk=pk)


def back_to_return(ret: Return):
    return redirect(reverse("returns_admin:inspect", args=[ret.pk]))


def receive(request, pk: int):
    ret = changeable_return(request, pk)
    form = ReceiveForm(request.POST, ret=ret)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return back_to_return(ret)
    try:
        receipt = services.receive(ret, quantities=form.quantities(), by=request.user)
    except services.ReturnInvalid as error:
        messages.error(request, error.message)
    except CheckoutError as error:
        messages.warning(
            request,
            _(
                "The pieces are received and back on sale, but the refund could not be made "
                "(%(reason)s). Refund them from the order's page."
            )
            % {"reason": error.message},
        )
    else:
        messages.success(
            request,
            _("Received %(count)d pieces of return %(number)s.")
            % {"count": sum(receipt.received.values()), "number": ret.number},
        )
    return back_to_return(ret)


def cancel(request, pk: int):
    ret = changeable_return(request, pk)
    call_off(request, ret)
    return back_to_return(ret)


# Reports ------------------------------------------------------------------------------------------


class ReturnRatesByProductView(ReportView):
    page_title = _("Return rates by product")
    header_icon = "rotate"
    index_url_name = "returns_report_by_product"
    index_results_url_name = "returns_report_by_product_results"
    permission_policy = ModelPermissionPolicy(Return)
    any_permission_required = ["view"]
    columns = [
        Column("title", label=_("Product")),
        Column("sent", label=_("Pieces sent")),
        Column("returned", label=_("Pieces returned")),
        Column("rate", label=_("Return rate (%)")),
    ]
    list_export = ["title", "sent", "returned", "rate"]
    export_headings = {
        "title": _("Product"),
        "sent": _("Pieces sent"),
        "returned": _("Pieces returned"),
        "rate": _("Return rate (%)"),
    }

    def get_filename(self):
        return "return-rates-by-product"

    def get_queryset(self):
        return reports.rates_by_product()


class ReturnsByReasonView(ReportView):
    page_title = _("Returns by reason")
    header_icon = "rotate"
    index_url_name = "returns_report_by_reason"
    index_results_url_name = "returns_report_by_reason_results"
    permission_policy = ModelPermissionPolicy(Return)
    any_permission_required = ["view"]
    columns = [
        Column("reason", label=_("Reason"), accessor=lambda row: Reason(row["reason"]).label),
        Column("lines", label=_("Lines")),
        Column("pieces", label=_("Pieces")),
    ]
    list_export = ["reason", "lines", "pieces"]
    export_headings = {"reason": _("Reason"), "lines": _("Lines"), "pieces": _("Pieces")}

    def get_filename(self):
        return "returns-by-reason"

    def get_queryset(self):
        return reports.by_reason()
