"""The merchandiser's side of the Wagtail admin: sizes, colours and size guides as snippets, and
a Stock view of every variant, searchable, filterable and exportable. `wagtail_hooks` registers
them."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .admin_forms import StockEditForm
from .models import CategoryPage, Colour, MerchandisingSettings, ProductVariant, Size, SizeGuide
from .money import format_money
from .panels import StockPanel
from .stock import adjust_stock


class SizeViewSet(SnippetViewSet):
    model = Size
    icon = "resubmit"
    menu_label = _("Sizes")
    list_display = ["name", "slug"]
    search_fields = ["name"]
    sort_order_field = "sort_order"


class ColourViewSet(SnippetViewSet):
    model = Colour
    icon = "radio-full"
    menu_label = _("Colours")
    list_display = ["name", "swatch", "slug"]
    search_fields = ["name"]
    sort_order_field = "sort_order"


class SizeGuideViewSet(SnippetViewSet):
    model = SizeGuide
    icon = "table"
    menu_label = _("Size guides")
    list_display = ["title"]


class CatalogSnippets(SnippetViewSetGroup):
    items = (SizeViewSet, ColourViewSet, SizeGuideViewSet)
    menu_icon = "tag"
    menu_label = _("Catalog")
    menu_name = "catalog"
    menu_order = 210


class StockFilterSet(WagtailFilterSet):
    category = django_filters.ChoiceFilter(
        label=_("Category"), method="filter_category", empty_label=_("All categories")
    )
    level = django_filters.ChoiceFilter(
        label=_("Stock"),
        method="filter_level",
        choices=[("low", _("Low stock")), ("sold_out", _("Sold out"))],
        empty_label=_("Any"),
    )

    class Meta:
        model = ProductVariant
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = [
            (str(category.pk), "– " * (category.depth - 4) + category.title)
            for category in CategoryPage.objects.order_by("path").only("pk", "title", "depth")
        ]

    def filter_category(self, queryset, name, value):
        category = CategoryPage.objects.filter(pk=value).first()
        if category is None:
            return queryset.none()
        return queryset.filter(product__path__startswith=category.path)

    def filter_level(self, queryset, name, value):
        if value == "sold_out":
            return queryset.filter(stock=0)
        threshold = MerchandisingSettings.load().low_stock_threshold
        return queryset.filter(stock__gt=0, stock__lte=threshold)


class StockPermissionPolicy(ModelPermissionPolicy):
    """Variants are created and removed with their product, in the page editor."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


class UnitPriceColumn(Column):
    def get_value(self, instance):
        return format_money(instance.unit_price)


class StockIndexView(IndexView):
    def get_base_queryset(self):
        return ProductVariant.objects.select_related("product", "size", "colour")


class StockEditView(EditView):
    """Stock only, and only as a difference from what was shown (`StockEditForm`)."""

    def save_instance(self):
        change = self.form.stock_change()
        if change:
            adjust_stock(variant_id=self.object.pk, change=change)
            self.object.refresh_from_db(fields=["stock"])
            log(instance=self.object, action="wagtail.edit", user=self.request.user)
        return self.object


class StockViewSet(ModelViewSet):
    model = ProductVariant
    icon = "tasks"
    menu_label = _("Stock")
    menu_order = 205
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    list_per_page = 50
    filterset_class = StockFilterSet
    search_fields = ["sku", "product__title"]
    ordering = ["product__title", "size__sort_order", "colour__sort_order"]
    list_display = [
        "sku",
        Column("product", label=_("Product"), accessor="product.title"),
        Column("size", label=_("Size"), accessor="size.name"),
        Column("colour", label=_("Colour"), accessor="colour.name"),
        UnitPriceColumn("unit_price", label=_("Price")),
        Column("stock", label=_("Stock"), sort_key="stock"),
    ]
    list_export = ["product.title", "sku", "size.name", "colour.name", "unit_price", "stock"]
    export_headings = {
        "product.title": _("Product"),
        "sku": _("SKU"),
        "size.name": _("Size"),
        "colour.name": _("Colour"),
        "unit_price": _("Price"),
        "stock": _("Stock"),
    }
    export_filename = "stock"
    index_view_class = StockIndexView
    edit_view_class = StockEditView
    edit_handler = ObjectList([StockPanel("stock")], base_form_class=StockEditForm)
