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


class RefundForm(forms.Form):
    """The admin's refund of an order (the lines to restock are read beside it)."""

    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )
    key = forms.CharField(widget=forms.HiddenInput)  # one refund per submission, however often sent
