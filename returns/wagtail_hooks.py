"""Registers returns in the Wagtail admin: the Returns listing under Shop, and two reports."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from .admin_views import (
    ReturnPermissionPolicy,
    ReturnRatesByProductView,
    ReturnsByReasonView,
    ReturnViewSet,
)
from .models import Return

register_permission_policy(Return, ReturnPermissionPolicy(Return))


@hooks.register("register_admin_viewset")
def register_returns_viewset():
    return ReturnViewSet("returns_admin")


REPORTS = [
    ("by-product", ReturnRatesByProductView, "returns_report_by_product"),
    ("by-reason", ReturnsByReasonView, "returns_report_by_reason"),
]


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = []
    for slug, view, name in REPORTS:
        urls.append(path(f"reports/returns/{slug}/", view.as_view(), name=name))
        urls.append(
            path(
                f"reports/returns/{slug}/results/",
                view.as_view(results_only=True),
                name=f"{name}_results",
            )
        )
    return urls


class ReturnsReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("returns.view_return")


@hooks.register("register_reports_menu_item")
def register_rates_by_product():
    return ReturnsReportMenuItem(
        _("Return rates by product"),
        reverse("returns_report_by_product"),
        icon_name="rotate",
        order=700,
    )


@hooks.register("register_reports_menu_item")
def register_by_reason():
    return ReturnsReportMenuItem(
        _("Returns by reason"), reverse("returns_report_by_reason"), icon_name="rotate", order=701
    )
