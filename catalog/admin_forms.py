"""Forms of the merchandiser's admin: the product editor and its variants, and the Stock view.

Stock is operational data: a sale can happen while a merchandiser has a form open. So a form
that edits stock carries the stock it showed (`stock_shown`) and applies the merchandiser's
change as a difference (`StockEditForm.stock_change`), and a sale made meanwhile is kept."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from .permissions import MERCHANDISE_PERMISSION


class StockEditForm(WagtailAdminModelForm):
    """A form over a variant whose `stock` field is changed by difference."""

    stock_shown = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.show_stock(self.instance.stock)

    def show_stock(self, stock: int) -> None:
        """Show `stock` (the live figure) and remember that it was shown."""
        self.initial["stock"] = self.initial["stock_shown"] = stock

    def stock_change(self) -> int:
        """What the merchandiser changed; nothing when the form did not say what it showed."""
        shown = self.cleaned_data.get("stock_shown")
        if shown is None or "stock" not in self.cleaned_data:
            return 0
        return self.cleaned_data["stock"] - shown


class VariantForm(StockEditForm):
    """A variant in the product editor: its instance comes from the page's latest revision,
    whose stock `ProductPageForm` replaces with the live figure."""


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
        # The revision's copy of stock is stale: show the live figures.
        saved = [form.instance.pk for form in formset.forms if form.instance.pk]
        live = dict(formset.model.objects.filter(pk__in=saved).values_list("pk", "stock"))
        for form in formset.forms:
            if form.instance.pk in live:
                form.show_stock(live[form.instance.pk])

    def save(self, commit=True):
        page = super().save(commit=commit)
        formset = self.formsets.get("variants")
        if formset is not None:
            from .stock import adjust_stock  # stock imports the models, which import this form

            for form in formset.forms:
                if form.instance.pk and not formset._should_delete_form(form):
                    change = form.stock_change()
                    if change:
                        adjust_stock(variant_id=form.instance.pk, change=change)
        return page
