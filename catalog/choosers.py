"""The product chooser of the Wagtail admin: a modal that lists products with a thumbnail, their
price and their stock, searchable and filtered by category, and a widget (and StreamField block,
`catalog.blocks.ProductChooserBlock`) that shows the chosen product's picture and title.

Pictures come only from renditions already made (publishing a product makes its thumbs), never
made inside the request: a product whose thumb is not made yet shows the product icon."""

from __future__ import annotations

from django import forms
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm, SearchFilterMixin
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, StatusTagColumn
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
    ChosenMultipleView,
    ChosenView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets import BaseChooser, BaseChooserAdapter

from .images import made_jpeg, made_picture
from .models import CategoryPage, MerchandisingSettings, ProductPage, ProductVariant
from .money import format_money
from .queries import category_choices, with_card_data


def chooser_assets() -> forms.Media:
    """The widget's script and stylesheet, after Wagtail's chooser scripts they build on.
    Asked for when a page renders: static file URLs cannot be known when this module is
    imported (before collectstatic has written its manifest, say)."""
    return forms.Media(
        js=[
            versioned_static("wagtailadmin/js/chooser-widget.js"),
            versioned_static("wagtailadmin/js/chooser-widget-telepath.js"),
            "js/admin/product_chooser.js",
        ],
        css={"all": ["css/admin/product_chooser.css"]},
    )


def first_image(product: ProductPage):
    """The product's first gallery image: prefetched by `with_card_data`, or looked up."""
    images = getattr(product, "card_images", None)
    if images is None:
        images = list(product.gallery_images.select_related("image")[:1])
    return images[0].image if images else None


def preview_data(product: ProductPage) -> dict | None:
    """The small picture the chosen product shows in its chooser widget, if it is made."""
    image = first_image(product)
    rendition = made_jpeg(image, "thumb") if image else None
    if rendition is None:
        return None
    return {"url": rendition.url, "width": rendition.width, "height": rendition.height}


def chosen_data(product: ProductPage, data: dict) -> dict:
    """A chooser's data about the product (id, title, edit URL), with its picture added."""
    return {**data, "title": product.title, "preview": preview_data(product)}


# The modal ------------------------------------------------------------------------------------


class ProductFilterForm(SearchFilterMixin, BaseFilterForm):
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *category_choices()]

    def filter(self, objects):
        category = CategoryPage.objects.filter(pk=self.cleaned_data.get("category") or 0).first()
        if category is not None:
            objects = objects.filter(path__startswith=category.path)
        return super().filter(objects)


class PictureColumn(Column):
    cell_template_name = "catalog/admin/product_picture_cell.html"

    def get_value(self, instance):
        image = first_image(instance)
        return made_picture(image, "thumb", alt="") if image else None


class PriceColumn(Column):
    def get_value(self, instance):
        price = format_money(instance.price)
        if instance.on_sale:
            return gettext("%(price)s (was %(before)s)") % {
                "price": price,
                "before": format_money(instance.compare_at_price),
            }
        return price


class StockColumn(StatusTagColumn):
    """In stock (and how many pieces), low, sold out, or not sold in any size yet."""

    def __init__(self, name, **kwargs):
        super().__init__(name, primary=lambda product: product.available, **kwargs)

    @cached_property
    def low_stock_threshold(self) -> int:
        return MerchandisingSettings.load().low_stock_threshold

    def get_value(self, instance):
        if instance.pieces is None:
            return gettext("No sizes yet")
        if not instance.available:
            return gettext("Sold out")
        if instance.pieces <= self.low_stock_threshold:
            return gettext("Low: %(pieces)d left") % {"pieces": instance.pieces}
        return gettext("%(pieces)d in stock") % {"pieces": instance.pieces}


class ProductChooseMixin:
    """The products to choose from, with what their rows show (their live status too) in a
    fixed number of queries."""

    filter_form_class = ProductFilterForm
    ordering = ["title", "pk"]

    def get_object_list(self) -> QuerySet[ProductPage]:
        pieces = (
            ProductVariant.objects.filter(product=OuterRef("pk"))
            .order_by()
            .values("product")
            .annotate(total=Sum("stock"))
            .values("total")
        )
        products = ProductPage.objects.annotate_approved_schedule().prefetch_workflow_states()
        return with_card_data(products, picture_size="thumb").annotate(pieces=Subquery(pieces))

    @property
    def columns(self):
        title, *others = super().columns
        return [
            PictureColumn("picture", label=_("Picture"), width="1%"),
            title,
            PriceColumn("price", label=_("Price")),
            StockColumn("stock", label=_("Stock")),
            LiveStatusTagColumn(sort_key=None),
            *others,
        ]


class ProductChooseView(ProductChooseMixin, ChooseView):
    pass


class ProductChooseResultsView(ProductChooseMixin, ChooseResultsView):
    pass


class ProductChosenView(ChosenView):
    def get_object(self, pk):
        return with_card_data(ProductPage.objects.all(), picture_size="thumb").get(pk=pk)

    def get_chosen_response_data(self, item):
        return chosen_data(item, super().get_chosen_response_data(item))


class ProductChosenMultipleView(ChosenMultipleView):
    def get_objects(self, pks):
        return with_card_data(ProductPage.objects.all(), picture_size="thumb").filter(pk__in=pks)

    def get_chosen_response_data(self, item):
        return chosen_data(item, super().get_chosen_response_data(item))


# The widget -----------------------------------------------------------------------------------


class ProductChooserWidget(BaseChooser):
    """Shows the chosen product's picture beside its title (the JavaScript `ProductChooser`
    keeps both up to date when another product is chosen)."""

    template_name = "catalog/admin/product_chooser_widget.html"
    js_constructor = "ProductChooser"

    def get_value_data_from_instance(self, instance):
        return chosen_data(instance, super().get_value_data_from_instance(instance))

    def get_context(self, name, value_data, attrs):
        return {
            **super().get_context(name, value_data, attrs),
            "preview": value_data.get("preview"),
        }

    @property
    def media(self):
        return chooser_assets()


class ProductChooserAdapter(BaseChooserAdapter):
    js_constructor = "catalog.widgets.ProductChooser"

    @property
    def media(self):
        return chooser_assets()


class ProductChooserViewSet(ChooserViewSet):
    model = ProductPage
    icon = "tag"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    edit_item_text = _("Edit this product")
    per_page = 20
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView
    chosen_view_class = ProductChosenView
    chosen_multiple_view_class = ProductChosenMultipleView
    base_widget_class = ProductChooserWidget
    widget_telepath_adapter_class = ProductChooserAdapter


product_chooser_viewset = ProductChooserViewSet(
    "product_chooser", url_prefix="catalog/choose-product"
)
