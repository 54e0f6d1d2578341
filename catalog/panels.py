"""Panels of the product editor and the Stock view."""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel, InlinePanel, Panel

from .admin_forms import VariantForm


class StockPanel(FieldPanel):
    """The `stock` field of a `StockEditForm`, with the stock it showed as a hidden input
    beside it (no panel, label or heading of its own)."""

    class BoundPanel(FieldPanel.BoundPanel):
        def get_editable_context_data(self):
            context = super().get_editable_context_data()
            context["rendered_field"] += self.form["stock_shown"].as_hidden()
            return context


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
