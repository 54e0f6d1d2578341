"""The catalog's place in the Wagtail admin: its snippets, the Stock view, and the rule that
only merchandisers create products; and, on the site, pages asked for with stray query
parameters sent on to their canonical URL. The views themselves live in `admin_views` and
`canonical`."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from . import canonical
from .admin_views import CatalogSnippets, StockPermissionPolicy, StockViewSet
from .models import ProductPage, ProductVariant
from .permissions import MERCHANDISE_PERMISSION

register_snippet(CatalogSnippets)
register_permission_policy(ProductVariant, StockPermissionPolicy(ProductVariant))


@hooks.register("register_admin_viewset")
def register_stock_viewset():
    return StockViewSet("stock")


@hooks.register("before_create_page")
def only_merchandisers_create_products(request, parent_page, page_class):
    # A product needs a price and variants, which only merchandisers may set.
    if issubclass(page_class, ProductPage) and not request.user.has_perm(MERCHANDISE_PERMISSION):
        messages.error(
            request,
            _("Only merchandisers can create products: a product needs a price and variants."),
        )
        return redirect("wagtailadmin_explore", parent_page.pk)
    return None


@hooks.register("before_serve_page")
def send_stray_parameters_away(page, request, serve_args, serve_kwargs):
    return canonical.for_page(page, request)
