"""The shopper's return form: per line of the order, how many pieces, why, and a refund or an
exchange for another size or colour. What may be returned is the service's to say."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Outcome, Reason
from .services import AskedLine, ReturnableLine


class ReturnForm(forms.Form):
    def __init__(self, data=None, *, returnable: list[ReturnableLine]):
        super().__init__(data)
        self.returnable = [item for item in returnable if item.quantity]
        for item in self.returnable:
            pk = item.line.pk
            self.fields[f"quantity-{pk}"] = forms.TypedChoiceField(
                label=_("Pieces to return"),
                choices=[(n, str(n)) for n in range(item.quantity + 1)],
                coerce=int,
                initial=0,
            )
            self.fields[f"reason-{pk}"] = forms.ChoiceField(
                label=_("Why"),
                choices=[("", _("Choose a reason")), *Reason.choices],
                required=False,
            )
            self.fields[f"outcome-{pk}"] = forms.ChoiceField(
                label=_("What you would like"),
                choices=Outcome.choices,
                initial=Outcome.REFUND,
                widget=forms.RadioSelect,
            )
            self.fields[f"exchange-{pk}"] = forms.TypedChoiceField(
                label=_("Exchange for"),
                choices=[("", _("Choose a size and colour"))]
                + [
                    (variant.pk, f"{variant.size.name}, {variant.colour.name}")
                    for variant in item.exchanges
                ],
                coerce=int,
                empty_value=None,
                required=False,
            )

    def rows(self):
        for item in self.returnable:
            pk = item.line.pk
            yield (
                item,
                {
                    part: self[f"{part}-{pk}"]
                    for part in ("quantity", "reason", "outcome", "exchange")
                },
            )

    def clean(self):
        cleaned = super().clean()
        for item in self.returnable:
            pk = item.line.pk
            if not cleaned.get(f"quantity-{pk}"):
                continue
            if not cleaned.get(f"reason-{pk}"):
                self.add_error(f"reason-{pk}", _("Please tell us why it is coming back."))
            if cleaned.get(f"outcome-{pk}") == Outcome.EXCHANGE and not cleaned.get(
                f"exchange-{pk}"
            ):
                self.add_error(
                    f"exchange-{pk}",
                    _("Please choose the size and colour you would like instead.")
                    if item.exchanges
                    else _("No other size or colour is in stock: please choose a refund."),
                )
        return cleaned

    def asked(self) -> list[AskedLine]:
        return [
            AskedLine(
                line_id=item.line.pk,
                quantity=self.cleaned_data[f"quantity-{item.line.pk}"],
                reason=self.cleaned_data[f"reason-{item.line.pk}"],
                outcome=self.cleaned_data[f"outcome-{item.line.pk}"],
                exchange_variant_id=self.cleaned_data[f"exchange-{item.line.pk}"],
            )
            for item in self.returnable
        ]


class ReceiveForm(forms.Form):
    """The merchandiser's receipt: how many pieces of each line of the return arrived."""

    def __init__(self, data=None, *, ret):
        super().__init__(data)
        self.ret_lines = [line for line in ret.lines.all() if line.waiting_quantity]
        for line in self.ret_lines:
            self.fields[f"received-{line.pk}"] = forms.IntegerField(
                label=_("Arrived"),
                min_value=0,
                max_value=line.waiting_quantity,
                initial=line.waiting_quantity,
                required=False,
            )

    def rows(self):
        for line in self.ret_lines:
            yield line, self[f"received-{line.pk}"]

    def quantities(self) -> dict[int, int]:
        return {
            line.pk: self.cleaned_data.get(f"received-{line.pk}") or 0 for line in self.ret_lines
        }
