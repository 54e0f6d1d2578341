"""The merchandiser's side of the Wagtail admin: sizes, colours and size guides as snippets, a
product's variant grid, a Stock view of every variant, searchable, filterable and exportable,
and the report of back-in-stock demand; and Wagtail's choice of page type to create, offering
products to merchandisers only. `wagtail_hooks` and the site's URLs register them."""

from __future__ import annotations

import django_filters
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.pages.create import AddSubpageView as WagtailAddSubpageView
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import alerts, variants
from .admin_forms import StockEditForm, VariantGridForm
from .admin_imports import ProductColumn, import_button, may_import
from .models import (
    CategoryPage,
    Colour,
    MerchandisingSettings,
    ProductPage,
    ProductVariant,
    Size,
    SizeGuide,
)
from .money import format_money
from .panels import StockPanel
from .permissions import MERCHANDISE_PERMISSION, may_create
from .queries import category_choices
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


class VariantCategoryFilterSet(WagtailFilterSet):
    """Variants of the products under one category (its whole subtree)."""

    category = django_filters.ChoiceFilter(
        label=_("Category"), method="filter_category", empty_label=_("All categories")
    )

    class Meta:
        model = ProductVariant
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = category_choices()

    def filter_category(self, queryset, name, value):
        category = CategoryPage.objects.filter(pk=value).first()
        if category is None:
            return queryset.none()
        return queryset.filter(product__path__startswith=category.path)


class StockFilterSet(VariantCategoryFilterSet):
    level = django_filters.ChoiceFilter(
        label=_("Stock"),
        method="filter_level",
        choices=[("low", _("Low stock")), ("sold_out", _("Sold out"))],
        empty_label=_("Any"),
    )

    def filter_level(self, queryset, name, value):
        if value == "sold_out":
            return queryset.filter(stock=0)
        threshold = MerchandisingSettings.load().low_stock_threshold
        return queryset.filter(stock__gt=0, stock__lte=threshold)


class StockPermissionPolicy(ModelPermissionPolicy):
    """Variants are created and removed on their product's grid, not here."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


class UnitPriceColumn(Column):
    def get_value(self, instance):
        return format_money(instance.unit_price)


class StockIndexView(IndexView):
    page_title = _("Stock")  # as the menu calls it, not the model's "Variants"

    def get_base_queryset(self):
        return ProductVariant.objects.select_related("product", "size", "colour")

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        return [*buttons, import_button()] if may_import(self.request.user) else buttons

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons.copy()
        if may_import(self.request.user):
            buttons.append(
                Button(
                    gettext("Past imports"),
                    url=reverse("stock_imports:index"),
                    icon_name="history",
                    priority=80,
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        # All the product's variants on one screen.
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(
                gettext("Sizes, colours and stock"),
                url=reverse("catalog_variant_grid", args=[instance.product_id]),
                icon_name="tasks",
                priority=15,
            ),
        ]


class StockEditView(EditView):
    """Stock only, and only as a difference from what was shown (`StockEditForm`)."""

    def get_breadcrumbs_items(self):
        # Back to "Stock", as the menu and the index call it.
        items = super().get_breadcrumbs_items()
        return [
            {**item, "label": gettext("Stock")} if item["url"] == reverse("stock:index") else item
            for item in items
        ]

    def save_instance(self):
        change = self.form.stock_change()
        if change and adjust_stock(
            variant_id=self.object.pk,
            change=change,
            key=self.form.cleaned_data["form_key"],
            by=self.request.user,
        ):
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
        ProductColumn("product", label=_("Product"), accessor="product"),
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


class BackInStockDemandView(ReportView):
    """The variants shoppers wait for ("Email me when it's back", confirmed), most wanted
    first: what to reorder. Merchandisers only (they see and change variants)."""

    page_title = _("Back in stock demand")
    header_icon = "mail"
    index_url_name = "catalog_back_in_stock_demand"
    index_results_url_name = "catalog_back_in_stock_demand_results"
    filterset_class = VariantCategoryFilterSet
    permission_policy = ModelPermissionPolicy(ProductVariant)
    permission_required = "view"
    columns = [
        Column("product", label=_("Product"), accessor="product.title"),
        Column("sku", label=_("SKU")),
        Column("size", label=_("Size"), accessor="size.name"),
        Column("colour", label=_("Colour"), accessor="colour.name"),
        Column("stock", label=_("Stock")),
        Column("waiting", label=_("Waiting")),
    ]
    list_export = ["product.title", "sku", "size.name", "colour.name", "stock", "waiting"]
    export_headings = {
        "product.title": _("Product"),
        "sku": _("SKU"),
        "size.name": _("Size"),
        "colour.name": _("Colour"),
        "stock": _("Stock"),
        "waiting": _("Waiting"),
    }
    export_filename = "back-in-stock-demand"

    def get_base_queryset(self):
        return alerts.demand()


class VariantGridView(WagtailAdminTemplateMixin, TemplateView):
    """A product's variants as a size x colour grid: tick the cells it is sold in, type their
    stock (and a price of their own, if any); SKUs are suggested from the product's code.
    More colours join the grid from the list below it (`?colour=<id>`, no JavaScript needed)."""

    template_name = "catalog/admin/variant_grid.html"
    header_icon = "tasks"

    def dispatch(self, request, page_id: int):
        self.product = get_object_or_404(ProductPage, pk=page_id)
        permissions = self.product.permissions_for_user(request.user)
        if not (request.user.has_perm(MERCHANDISE_PERMISSION) and permissions.can_edit()):
            raise PermissionDenied
        return super().dispatch(request, page_id)

    def get_page_title(self):
        return gettext("Sizes, colours and stock")

    def get_page_subtitle(self):
        return self.product.title

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.product.pk]),
                "label": self.product.get_admin_display_title(),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def extra_colours(self) -> list[int]:
        """Colours asked to join the grid: `?colour=` links, then the form's `colours`."""
        asked = self.request.GET.getlist("colour")
        asked += self.request.POST.get("colours", "").split(",")
        return sorted({int(value) for value in asked if value.strip().isdigit()})

    def make_form(self, data=None) -> VariantGridForm:
        code = variants.product_code(self.product)
        return VariantGridForm(
            data,
            sizes=Size.objects.all(),
            colours=variants.grid_colours(self.product, self.extra_colours()),
            variants=self.product.variants.all(),
            suggest_sku=lambda size, colour: variants.suggested_sku(code, size, colour),
        )

    def get(self, request, page_id: int):
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def post(self, request, page_id: int):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                counts = variants.save_grid(
                    self.product,
                    form.cells(),
                    by=request.user,
                    key=form.cleaned_data["form_key"],
                )
            except variants.GridError as error:
                for field, message in error.errors.items():
                    form.add_error(None if field == "__all__" else field, message)
            else:
                messages.success(request, saved_message(counts))
                return redirect("catalog_variant_grid", self.product.pk)
        messages.error(
            request, gettext("Nothing was saved: please correct the cells marked below.")
        )
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        shown = {colour.pk for colour in form.colours}
        context.update(
            product=self.product,
            more_colours=[c for c in Colour.objects.all() if c.pk not in shown],
            extra_colours=self.extra_colours(),
        )
        return context


def saved_message(counts: dict[str, int]) -> str:
    parts = [
        gettext("%(count)d added") % {"count": counts["added"]} if counts["added"] else "",
        gettext("%(count)d changed") % {"count": counts["changed"]} if counts["changed"] else "",
        gettext("%(count)d removed") % {"count": counts["removed"]} if counts["removed"] else "",
        gettext("%(count)d stock changes") % {"count": counts["stock_moves"]}
        if counts["stock_moves"]
        else "",
    ]
    done = ", ".join(part for part in parts if part)
    if not done:
        return gettext("Nothing had changed; the variants are as they were.")
    return gettext("Variants saved: %(done)s.") % {"done": done}


class AddSubpageView(WagtailAddSubpageView):
    """Wagtail's "Create a page in …", offering only the page types the user may create (no
    products but to merchandisers); with one left, straight on to its form, as Wagtail does."""

    def get(self, request, *args, **kwargs):
        self.page_types = [
            page_type
            for page_type in self.page_types
            if may_create(request.user, apps.get_model(page_type[1], page_type[2]))
        ]
        if len(self.page_types) == 1:
            _name, app_label, model_name, _description = self.page_types[0]
            return redirect("wagtailadmin_pages:add", app_label, model_name, self.parent_page.pk)
        return super().get(request, *args, **kwargs)
