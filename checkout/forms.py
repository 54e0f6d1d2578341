"""Checkout's forms: the shopper's checkout form, which carries their details only (no price, no
total, no line), and the admin's refund form."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import COUNTRIES, Address
from accounts.validators import validate_phone
from catalog.money import format_money

from .pricing import ShippingOption
from .services import CheckoutDetails, ShippingAddress


class CheckoutForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("For the receipt and the shipping updates."),
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    line1 = forms.CharField(
        label=_("Address"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    line2 = forms.CharField(
        label=_("Apartment, suite, etc."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    postcode = forms.CharField(
        label=_("Postcode or ZIP"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    region = forms.CharField(
        label=_("State, county or region"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=COUNTRIES,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("Only for the courier, if they cannot find you."),
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
