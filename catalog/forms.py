"""Forms of the catalog: the listing filters shoppers use, and the product editor's variants."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import InlinePanel, Panel

from .permissions import MERCHANDISE_PERMISSION

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


class VariantForm(WagtailAdminModelForm):
    # The stock the merchandiser saw when the editor opened. The change they make is applied as a
    # difference, so sales made while the page was open are never overwritten.
    stock_shown = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def stock_change(self) -> int:
        shown = self.cleaned_data.get("stock_shown")
        if shown is None:
            return 0
        return self.cleaned_data["stock"] - shown


class VariantsPanel(InlinePanel):
    """The variants inline, shown only to holders of `permission`, with the form that carries
    the stock the merchandiser saw. (Wagtail's InlinePanel takes no permission of its own.)"""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "permission": self.permission}

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = VariantForm
        return options

    class BoundPanel(InlinePanel.BoundPanel):
        def __init__(self, **kwargs):
            form = kwargs.get("form")
            self.withheld = form is not None and kwargs["panel"].relation_name not in form.formsets
            if self.withheld:
                # ProductPageForm took the formset away from this user: nothing to bind.
                Panel.BoundPanel.__init__(self, **kwargs)
                self.label = self.panel.label
                return
            super().__init__(**kwargs)

        def is_shown(self):
            return (
                not self.withheld
                and self.request.user.has_perm(self.panel.permission)
                and super().is_shown()
            )


class ProductPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and not self.for_user.has_perm(MERCHANDISE_PERMISSION):
            # The variants panel is hidden from this user, so its formset never arrives; keep
            # the variants as they are instead of failing for want of the formset's data.
            self.formsets.pop("variants", None)
            return
        formset = self.formsets.get("variants")
        if formset is None or self.is_bound:
            return
        from .models import ProductVariant

        saved = [form.instance.pk for form in formset.forms if form.instance.pk]
        live = dict(ProductVariant.objects.filter(pk__in=saved).values_list("pk", "stock"))
        for form in formset.forms:
            if form.instance.pk in live:
                form.initial["stock"] = live[form.instance.pk]
                form.initial["stock_shown"] = live[form.instance.pk]

    def save(self, commit=True):
        page = super().save(commit=commit)
        formset = self.formsets.get("variants")
        if formset is not None:
            from .stock import adjust_stock

            for form in formset.forms:
                if form.instance.pk and not formset._should_delete_form(form):
                    change = form.stock_change()
                    if change:
                        adjust_stock(variant_id=form.instance.pk, change=change)
        return page
