"""The listing filters shoppers use, read from the query string."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

SORT_CHOICES = [
    ("newest", _("Newest")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
]


class ProductFilterForm(forms.Form):
    """The filters of a listing, read from the query string. Invalid parts are reported to the
    shopper and left out; the valid ones still apply."""

    size = forms.MultipleChoiceField(label=_("Size"), required=False)
    colour = forms.MultipleChoiceField(label=_("Colour"), required=False)
    min_price = forms.DecimalField(
        label=_("Lowest price"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    max_price = forms.DecimalField(
        label=_("Highest price"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, data, *, sizes, colours):
        super().__init__(data)
        self.fields["size"].choices = [(size.slug, size.name) for size in sizes]
        self.fields["colour"].choices = [(colour.slug, colour.name) for colour in colours]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_price",
                _("The highest price must not be below the lowest price."),
            )
        return cleaned

    def filters(self) -> dict:
        """The valid filters, whatever else was wrong with the query string."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "", [], False)
        }
