"""The shopper's profile, address book and account deletion; resending a confirmation link; and
the Wagtail admin's sign-in with limits of its own."""

from __future__ import annotations

from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.views.account import LoginView as WagtailLoginView

from . import ratelimit, services
from .forms import (
    AddressForm,
    DeleteAccountForm,
    ProfileForm,
    ResendConfirmationForm,
    StaffLoginForm,
)
from .models import Address


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
        messages.error(request, _("Your profile was not saved: please correct the fields below."))
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "addresses": request.user.addresses.all(),
            "connections": SocialAccount.objects.filter(user=request.user),
        },
    )


@login_required
def address_form(request, pk: int | None = None):
    address = (
        get_object_or_404(Address, pk=pk, user=request.user) if pk else Address(user=request.user)
    )
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.save_address(address=form.instance, user=request.user)
        messages.success(request, _("The address is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
@require_POST
def address_delete(request, pk: int):
    services.delete_address(address=get_object_or_404(Address, pk=pk, user=request.user))
    messages.success(request, _("The address is removed."))
    return redirect("accounts:profile")


@login_required
@require_POST
def address_make_default(request, pk: int):
    services.make_default_address(address=get_object_or_404(Address, pk=pk, user=request.user))
    messages.success(request, _("That is now your default shipping address."))
    return redirect("accounts:profile")


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user=user)
        messages.success(request, _("Your account and its personal data are deleted."))
        return redirect("/")
    return render(request, "accounts/delete_account.html", {"form": form})


@require_POST
def resend_confirmation(request):
    """Send the confirmation link again. The answer is the same whether or not the address has
    an account waiting, so it tells nobody which addresses are registered."""
    form = ResendConfirmationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter a valid email address."))
        return redirect("account_email_verification_sent")
    address = EmailAddress.objects.filter(
        email__iexact=form.cleaned_data["email"], verified=False
    ).first()
    if address is not None:
        send_verification_email_to_address(request, address)
    messages.info(
        request,
        _("If an account with that address is waiting for confirmation, a new link is on its way."),
    )
    return redirect("account_email_verification_sent")


class AdminLoginView(WagtailLoginView):
    """The Wagtail admin's sign-in: for users who may enter the admin only (a shopper is sent to
    the shop's sign-in), and refused for a while after too many failures from one address or for
    one account. (allauth's limits cover the shop's sign-in, not this one.) Forgotten passwords
    go through the shop's reset page, with its limits and the outbox: Wagtail's own reset is
    off (WAGTAIL_PASSWORD_RESET_ENABLED)."""

    template_name = "accounts/admin_login.html"

    def get_form_class(self):
        return StaffLoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        context["not_staff"] = form is not None and form.has_error(NON_FIELD_ERRORS, "not_staff")
        return context

    def limit_keys(self) -> list[tuple[str, int, int]]:
        ip_limit, ip_window = settings.ADMIN_LOGIN_LIMITS["ip"]
        email_limit, email_window = settings.ADMIN_LOGIN_LIMITS["email"]
        email = self.request.POST.get("username", "").strip().lower()
        return [
            (f"admin-login:ip:{ratelimit.client_ip(self.request)}", ip_limit, ip_window),
            (f"admin-login:email:{email}", email_limit, email_window),
        ]

    def post(self, request, *args, **kwargs):
        if any(
            ratelimit.exceeded(key, limit=limit, window=window)
            for key, limit, window in self.limit_keys()
        ):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed sign-in attempts. Please wait a few minutes and try again."),
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        for key, _limit, window in self.limit_keys():
            ratelimit.count(key, window=window)
        return super().form_invalid(form)
