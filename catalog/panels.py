"""Panels of the product editor and the Stock view."""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.panels import FieldPanel, Panel

from .permissions import MERCHANDISE_PERMISSION
from .picker import picker


class StockPanel(FieldPanel):
    """The `stock` field of a `StockEditForm`, with the stock it showed and the form's key as
    hidden inputs beside it (no panel, label or heading of their own)."""

    class BoundPanel(FieldPanel.BoundPanel):
        def get_editable_context_data(self):
            context = super().get_editable_context_data()
            context["rendered_field"] += self.form["stock_shown"].as_hidden()
            context["rendered_field"] += self.form["form_key"].as_hidden()
            return context


class VariantsSummaryPanel(Panel):
    """The product's sizes, colours, SKUs and stock, read-only, with the way to its variant
    grid. Variants are not part of the page's revisions, so the page editor does not edit them:
    a preview or an autosave must never move stock."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "catalog/admin/variants_summary_panel.html"

        def is_shown(self):
            return self.request.user.has_perm(MERCHANDISE_PERMISSION) and super().is_shown()

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            product = self.instance
            variants = list(product.variants.select_related("size", "colour")) if product.pk else []
            sizes, rows = picker(variants)
            context.update(
                sizes=sizes,
                rows=rows,
                grid_url=reverse("catalog_variant_grid", args=[product.pk]) if product.pk else "",
            )
            return context
