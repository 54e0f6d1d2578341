"""Registers checkout's part of the Wagtail admin: orders and discount codes (admin_views), who
may change orders (permissions), and the dashboard's trade panel (dashboard)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import CheckoutGroup
from .dashboard import TradePanel
from .models import Order
from .permissions import OrderPermissionPolicy

register_permission_policy(Order, OrderPermissionPolicy(Order))


@hooks.register("register_admin_viewset")
def register_checkout_viewsets():
    return CheckoutGroup()


@hooks.register("construct_homepage_panels")
def add_trade_panel(request, panels):
    if request.user.has_perm("checkout.view_order"):
        panels.append(TradePanel())
