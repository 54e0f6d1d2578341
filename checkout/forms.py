"""Checkout's forms: the shopper's checkout form, which carries their details only (no price, no
total, no line), and the admin's refund form."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import AddressForm
from accounts.models import Address
from catalog.money import format_money

from .pricing import ShippingOption
from .services import CheckoutDetails, ShippingAddress


class CheckoutForm(forms.ModelForm):
    """The shipping address as the address book asks for it (its fields, labels, widgets and
    validation, from AddressForm), and the rest of checkout. An Address is built only to
    validate it: checkout never saves one here (see services.check_out for the address book)."""

    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("For the receipt and the shipping updates."),
    )
    save_address = forms.BooleanField(
        label=_("Save this address in my address book"), required=False
    )
    shipping_method = forms.ChoiceField(label=_("Shipping"), widget=forms.RadioSelect)
    discount_code = forms.CharField(
        label=_("Discount code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    field_order = ["email", *Address.POSTAL_FIELDS]

    class Meta(AddressForm.Meta):
        fields = Address.POSTAL_FIELDS
        help_texts = {"phone": _("Only for the courier, if they cannot find you.")}

    def __init__(self, *args, user=None, shipping: list[ShippingOption], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipping_method"].choices = [
            (
                option.code,
                f"{option.label} – {format_money(option.price) if option.price else _('free')}",
            )
            for option in shipping
        ]
        self.fields["shipping_method"].initial = shipping[0].code
        if user is not None and user.is_authenticated:
            # A signed-in shopper's receipt goes to their account's address.
            self.fields["email"].required = False
            self.fields["email"].disabled = True
            self.fields["email"].initial = user.email
        else:
            del self.fields["save_address"]

    def details(self) -> CheckoutDetails:
        data = self.cleaned_data
        return CheckoutDetails(
            email=data["email"],
            address=ShippingAddress(**{name: data[name] for name in Address.POSTAL_FIELDS}),
            shipping_method=data["shipping_method"],
            discount_code=data.get("discount_code", "").strip(),
        )


class ShipForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=64,
        help_text=_("As the courier gave it: the shopper gets it by email."),
        error_messages={"required": _("Enter the tracking number the courier gave you.")},
    )


class RefundForm(forms.Form):
    """The admin's refund of an order: pieces of its lines (each refunded at what the shopper
    paid for it, its share of any discount taken off), the shipping, or, as an explicit choice,
    an amount of one's own; and pieces to put back on sale. The amounts are the service's to
    compute (checkout.refunds.plan_refund): nothing here reads a price."""

    LINES, AMOUNT = "lines", "amount"
    mode = forms.ChoiceField(
        label=_("Refund"),
        choices=[
            (LINES, _("Pieces and shipping, at what was paid for them")),
            (AMOUNT, _("An amount of my own")),
        ],
        widget=forms.RadioSelect,
        initial=LINES,
    )
    shipping = forms.BooleanField(label=_("Refund the shipping"), required=False)
    amount = forms.DecimalField(
        label=_("Amount"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Only when refunding an amount of your own, such as a goodwill gesture."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=255,
        help_text=_("For the order's history, e.g. \u201cToo small, returned\u201d."),
    )
    key = forms.CharField(
        widget=forms.HiddenInput
    )  # one refund per confirmation, however often sent

    def __init__(self, data=None, *, states, shipping_left: Decimal):
        super().__init__(data)
        self.states = states
        for state in states:
            line = state.line
            self.fields[f"refund-{line.pk}"] = forms.IntegerField(
                label=_("Pieces to refund"),
                min_value=0,
                max_value=state.refundable_quantity,
                initial=0,
                required=False,
            )
            self.fields[f"restock-{line.pk}"] = forms.IntegerField(
                label=_("Pieces back on sale"),
                min_value=0,
                max_value=state.restockable_quantity,
                initial=0,
                required=False,
            )
        if shipping_left <= 0:
            del self.fields["shipping"]

    def rows(self):
        for state in self.states:
            yield state, self[f"refund-{state.line.pk}"], self[f"restock-{state.line.pk}"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == self.AMOUNT and not cleaned.get("amount"):
            self.add_error("amount", _("Enter the amount to refund, such as 25.00."))
        return cleaned

    def quantities(self, prefix: str) -> dict[int, int]:
        return {
            state.line.pk: self.cleaned_data.get(f"{prefix}-{state.line.pk}") or 0
            for state in self.states
        }

    def custom_amount(self) -> Decimal | None:
        return self.cleaned_data["amount"] if self.cleaned_data["mode"] == self.AMOUNT else None
