"""Forms of the merchandiser's admin: a product's variant grid and the Stock view.

Stock is operational data: a sale can happen while a merchandiser has a form open. So a form
that edits stock carries the stock it showed and applies the merchandiser's change as a
difference, and a sale made meanwhile is kept. It also carries a key of its own, so that the
same form sent twice (a double click, the browser's "resend") moves stock once."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from .variants import Cell


def new_form_key() -> str:
    return uuid.uuid4().hex


class StockEditForm(WagtailAdminModelForm):
    """One variant's stock in the Stock view, changed by difference."""

    stock_shown = forms.IntegerField(required=False, widget=forms.HiddenInput)
    form_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stock"].error_messages["min_value"] = gettext_lazy(
            "Stock cannot be below zero."
        )
        if not self.is_bound:
            self.initial["form_key"] = new_form_key()
            if self.instance.pk:
                self.initial["stock_shown"] = self.instance.stock

    def stock_change(self) -> int:
        """What the merchandiser changed; nothing when the form did not say what it showed."""
        shown = self.cleaned_data.get("stock_shown")
        if shown is None or "stock" not in self.cleaned_data:
            return 0
        return self.cleaned_data["stock"] - shown


class VariantGridForm(forms.Form):
    """A product's variants as a grid: a row per colour, a column per size. A ticked cell is a
    variant, with its SKU, its stock and an optional price of its own.

    Fields are named per cell (`c<size>_<colour>_sold`, `_sku`, `_stock`, `_shown`, `_price`);
    `cells()` gives them back as `Cell`s once the form is valid."""

    form_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, data=None, *, sizes, colours, variants, suggest_sku):
        super().__init__(data)
        self.sizes, self.colours = list(sizes), list(colours)
        self.variants = {(v.size_id, v.colour_id): v for v in variants}
        if not self.is_bound:
            self.initial["form_key"] = new_form_key()
        for colour in self.colours:
            for size in self.sizes:
                variant = self.variants.get((size.pk, colour.pk))
                self.add_cell(size, colour, variant, suggest_sku(size, colour))

    def prefix_of(self, size, colour) -> str:
        return f"c{size.pk}_{colour.pk}"

    def add_cell(self, size, colour, variant, suggested_sku: str) -> None:
        name = self.prefix_of(size, colour)
        where = f"{size.name} / {colour.name}"
        self.fields[f"{name}_sold"] = forms.BooleanField(
            required=False,
            initial=variant is not None,
            label=_("Sold in %(variant)s") % {"variant": where},
        )
        self.fields[f"{name}_sku"] = forms.CharField(
            required=False,
            max_length=64,
            initial=variant.sku if variant else suggested_sku,
            label=_("SKU of %(variant)s") % {"variant": where},
        )
        self.fields[f"{name}_stock"] = forms.IntegerField(
            required=False,
            min_value=0,
            initial=variant.stock if variant else 0,
            label=_("Stock of %(variant)s") % {"variant": where},
            error_messages={
                "min_value": _("Stock cannot be below zero."),
                "invalid": _("Enter the stock as a whole number, such as 0 or 12."),
            },
        )
        self.fields[f"{name}_shown"] = forms.IntegerField(
            required=False,
            widget=forms.HiddenInput,
            initial=variant.stock if variant else None,
        )
        self.fields[f"{name}_price"] = forms.DecimalField(
            required=False,
            min_value=Decimal("0.01"),
            max_digits=10,
            decimal_places=2,
            initial=variant.price if variant else None,
            label=_("Price of %(variant)s") % {"variant": where},
            error_messages={
                "min_value": _("A price must be at least 0.01; leave it empty for the product's."),
                "invalid": _("Enter the price as a number, such as 79.00."),
            },
        )

    def rows(self):
        """For the template: per colour, its cells' bound fields in size order."""
        for colour in self.colours:
            yield (
                colour,
                [
                    {
                        "size": size,
                        "variant": self.variants.get((size.pk, colour.pk)),
                        **{
                            part: self[f"{self.prefix_of(size, colour)}_{part}"]
                            for part in ("sold", "sku", "stock", "shown", "price")
                        },
                    }
                    for size in self.sizes
                ],
            )

    def clean(self):
        cleaned = super().clean()
        seen: dict[str, str] = {}
        for colour in self.colours:
            for size in self.sizes:
                name = self.prefix_of(size, colour)
                if not cleaned.get(f"{name}_sold"):
                    continue
                sku = (cleaned.get(f"{name}_sku") or "").strip()
                if not sku:
                    self.add_error(f"{name}_sku", _("Enter a SKU for this size and colour."))
                    continue
                if sku.upper() in seen:
                    self.add_error(
                        f"{name}_sku",
                        _("%(sku)s is also the SKU of %(other)s on this grid.")
                        % {"sku": sku, "other": seen[sku.upper()]},
                    )
                seen[sku.upper()] = f"{size.name} / {colour.name}"
                cleaned[f"{name}_sku"] = sku
                if cleaned.get(f"{name}_stock") is None and f"{name}_stock" not in self.errors:
                    cleaned[f"{name}_stock"] = 0
        return cleaned

    def cells(self) -> list[Cell]:
        data = self.cleaned_data
        return [
            Cell(
                size=size,
                colour=colour,
                sold=bool(data.get(f"{name}_sold")),
                sku=data.get(f"{name}_sku") or "",
                stock=data.get(f"{name}_stock") or 0,
                stock_shown=data.get(f"{name}_shown"),
                price=data.get(f"{name}_price"),
            )
            for colour in self.colours
            for size in self.sizes
            for name in [self.prefix_of(size, colour)]
        ]


class StockImportForm(forms.Form):
    """The file of a stock import; `catalog.stock_import` reads and checks what is in it."""

    file = forms.FileField(
        label=gettext_lazy("Stock file"),
        help_text=gettext_lazy(
            "A .csv or .xlsx file whose first row names its columns: SKU and Stock to set "
            "each variant's stock to a figure, or SKU and Change to add (5) or take away (-3) "
            "pieces. Other columns are left alone."
        ),
        error_messages={"required": gettext_lazy("Choose the file to import.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
