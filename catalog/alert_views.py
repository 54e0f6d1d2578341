"""Back in stock on the shop's pages: ask from a product page ("Email me when it's back"),
confirm a guest's address and stop alerts from a mail's links (both signed out), and stop one
from the profile. `catalog.alerts` decides; these views parse, call and answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.ratelimit import client_ip
from storefront.origin import back_to, from_this_site, refused

from . import alerts


@csrf_exempt  # the product page is cached for everybody: see storefront.origin
@require_POST
def subscribe(request):
    if not from_this_site(request):
        reason = _(
            "We did not set up the alert, because we could not tell that the request came from "
            "one of our pages. Please go back to the product page and ask from there."
        )
        return refused(request, heading=_("No alert set up"), reason=reason)
    try:
        alert = alerts.subscribe(
            variant_id=request.POST.get("variant"),
            user=request.user,
            email=request.POST.get("email", ""),
            client_ip=client_ip(request),
        )
    except alerts.AlertError as error:
        messages.error(request, error.message)
        return redirect(back_to(request, "/"))
    told = alerts.names(alert.variant)
    if request.user.is_authenticated:
        told["email"] = alert.email
        messages.success(
            request,
            _(
                "We will email you at %(email)s when %(product)s in %(size)s, %(colour)s is "
                "back. Your alerts are on your profile."
            )
            % told,
        )
    else:
        # The same answer whether or not this address asked before: it tells nobody that.
        told["email"] = request.POST.get("email", "").strip()
        messages.success(
            request,
            _(
                "Please check your inbox: we sent a link to %(email)s. Confirm it, and we will "
                "email you when %(product)s in %(size)s, %(colour)s is back."
            )
            % told,
        )
    return redirect(alert.variant.product.url)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """A guest's link: a button to confirm (a mail scanner's GET confirms nothing), then the
    alert waits."""
    try:
        if request.method == "POST":
            alert = alerts.confirm(token)
        else:
            alert = alerts.alert_to_confirm(token)
    except alerts.AlertError as error:
        return render(request, "catalog/alert_confirm.html", {"error": error.message}, status=400)
    return render(
        request,
        "catalog/alert_confirm.html",
        {"alert": alert, "product_url": alerts.chosen_url(alert.variant)},
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def stop(request, token: str):
    """The mail's link to stop every alert to its address, signed out: a button, then done.
    Mail programs post here too, with no cookie (List-Unsubscribe-Post): the signed token is
    the only authority needed, and stopping alerts twice changes nothing."""
    try:
        mailbox = alerts.mailbox_to_stop(token)
        stopped = alerts.stop_all(token) if request.method == "POST" else None
    except alerts.AlertError as error:
        return render(request, "catalog/alert_stop.html", {"error": error.message}, status=400)
    return render(request, "catalog/alert_stop.html", {"mailbox": mailbox, "stopped": stopped})


@login_required
@require_POST
def cancel(request, alert_id: int):
    try:
        alerts.cancel(user=request.user, alert_id=alert_id)
    except alerts.AlertError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The alert is stopped: we will not email you about it."))
    return redirect("accounts:profile")
