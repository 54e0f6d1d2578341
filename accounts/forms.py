"""Forms of the shopper's account pages."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from .models import Address, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "avatar", "marketing_consent"]
        widgets = {
            "avatar": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }
        help_texts = {"avatar": _("A JPEG, PNG or WebP picture of 2 MB or less.")}


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = [*Address.POSTAL_FIELDS, "is_default"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "country": forms.Select(attrs={"autocomplete": "country"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }


class DeleteAccountForm(forms.Form):
    """Confirms with the password, or, for accounts without one (GitHub only), the email."""

    confirmation = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            self.fields["confirmation"] = forms.EmailField(
                label=_("Type your email address to confirm"),
                widget=forms.EmailInput(attrs={"autocomplete": "off"}),
            )

    def clean_confirmation(self):
        value = self.cleaned_data["confirmation"]
        if self.user.has_usable_password():
            if not self.user.check_password(value):
                raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        elif value.strip().lower() != self.user.email:
            raise forms.ValidationError(
                _("That is not your account's email address."), code="wrong_email"
            )
        return value


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))


class StaffLoginForm(WagtailLoginForm):
    """The Wagtail admin's sign-in form, for staff only: Wagtail's own signs in any active user
    with a password, shoppers included, whose session the shop's mandatory email confirmation
    would then be bypassed by."""

    error_messages = {
        **WagtailLoginForm.error_messages,
        "not_staff": _(
            "This sign-in is for the store's staff. To sign in to your shopping account, "
            "please use the shop's sign-in page."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.has_perm("wagtailadmin.access_admin"):
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")
