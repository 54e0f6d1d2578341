"""The catalog's place in the Wagtail admin: its snippets, the Stock view, each product's variant
grid, the report of back-in-stock demand, and the rule that only merchandisers create products
(copies and moves are refused by the pages' own permissions,
`permissions.CatalogPagePermissionTester`; the choice of page type by
`admin_views.AddSubpageView`, which the site's URLs route to); and, on the site, pages asked for
with stray query parameters sent on to their canonical URL. The views themselves live in
`admin_views` and `canonical`."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from . import canonical
from .admin_imports import StockImportPermissionPolicy, StockImportViewSet
from .admin_views import (
    BackInStockDemandView,
    CatalogSnippets,
    StockPermissionPolicy,
    StockViewSet,
    VariantGridView,
)
from .choosers import product_chooser_viewset
from .models import ProductPage, ProductVariant, StockImport
from .permissions import MERCHANDISE_PERMISSION, may_create

register_snippet(CatalogSnippets)
register_permission_policy(ProductVariant, StockPermissionPolicy(ProductVariant))
register_permission_policy(StockImport, StockImportPermissionPolicy(StockImport))


@hooks.register("register_admin_viewset")
def register_stock_viewset():
    return StockViewSet("stock")


@hooks.register("register_admin_viewset")
def register_stock_import_viewset():
    return StockImportViewSet("stock_imports")


@hooks.register("register_admin_viewset")
def register_product_chooser():
    return product_chooser_viewset


@hooks.register("before_create_page")
def only_merchandisers_create_products(request, parent_page, page_class):
    if not may_create(request.user, page_class):
        messages.error(
            request,
            _("Only merchandisers can create products: a product needs a price and variants."),
        )
        return redirect("wagtailadmin_explore", parent_page.pk)
    return None


@hooks.register("register_admin_urls")
def register_variant_grid_url():
    return [
        path(
            "catalog/products/<int:page_id>/variants/",
            VariantGridView.as_view(),
            name="catalog_variant_grid",
        )
    ]


@hooks.register("register_admin_urls")
def register_demand_report_urls():
    return [
        path(
            "reports/back-in-stock/",
            BackInStockDemandView.as_view(),
            name="catalog_back_in_stock_demand",
        ),
        path(
            "reports/back-in-stock/results/",
            BackInStockDemandView.as_view(results_only=True),
            name="catalog_back_in_stock_demand_results",
        ),
    ]


class DemandReportMenuItem(MenuItem):
    def is_shown(self, request):
        return BackInStockDemandView.permission_policy.user_has_permission(request.user, "view")


@hooks.register("register_reports_menu_item")
def register_demand_report_menu_item():
    return DemandReportMenuItem(
        _("Back in stock demand"),
        reverse("catalog_back_in_stock_demand"),
        name="back-in-stock-demand",
        icon_name="mail",
        order=1300,
    )


class VariantGridButton(PageMenuItem):
    label = _("Sizes, colours and stock")
    icon_name = "tasks"
    url_name = "catalog_variant_grid"

    def is_shown(self, user):
        return (
            isinstance(self.page.specific_deferred, ProductPage)
            and user.has_perm(MERCHANDISE_PERMISSION)
            and self.page.permissions_for_user(user).can_edit()
        )


@hooks.register("register_page_header_buttons")
def variant_grid_header_button(page, user, view_name, next_url=None):
    yield VariantGridButton(page=page, priority=12)


@hooks.register("register_page_listing_more_buttons")
def variant_grid_listing_button(page, user, next_url=None):
    yield VariantGridButton(page=page, priority=3)


@hooks.register("after_create_page")
def go_on_to_the_variant_grid(request, page):
    # A new product is sold in nothing yet: its sizes and colours come next.
    if isinstance(page, ProductPage) and request.user.has_perm(MERCHANDISE_PERMISSION):
        messages.info(request, _("Now tick the sizes and colours it is sold in, with their stock."))
        return redirect("catalog_variant_grid", page.pk)
    return None


@hooks.register("before_serve_page")
def send_stray_parameters_away(page, request, serve_args, serve_kwargs):
    return canonical.for_page(page, request)
