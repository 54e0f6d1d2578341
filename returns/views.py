"""The shopper's side of returns: ask for one from an order's page, see its slip (to print and
put in the parcel), call it off before anything arrived."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from checkout.models import Order

from . import services
from .forms import ReturnForm
from .models import Return


@login_required
def start(request, number: str):
    order = get_object_or_404(Order, number=number, user=request.user)
    why_not = services.why_not_returnable(order)
    if why_not:
        messages.info(request, why_not)
        return redirect("checkout:order_detail", order.number)
    form = ReturnForm(request.POST or None, returnable=services.returnable_lines(order))
    if request.method == "POST" and form.is_valid():
        try:
            ret = services.request_return(order, lines=form.asked())
        except services.ReturnInvalid as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Your return %(number)s is booked. Print this slip and put it in the parcel.")
                % {"number": ret.number},
            )
            return redirect("returns:detail", ret.number)
    return render(
        request,
        "returns/start.html",
        {"order": order, "form": form, "deadline": services.return_deadline(order)},
        status=400 if form.errors else 200,
    )


@login_required
def detail(request, number: str):
    ret = get_object_or_404(
        Return.objects.select_related("order"), number=number, order__user=request.user
    )
    return render(request, "returns/detail.html", {"ret": ret, **services.mail_context(ret)})


@login_required
@require_POST
def cancel(request, number: str):
    ret = get_object_or_404(Return, number=number, order__user=request.user)
    call_off(request, ret)
    return redirect("returns:detail", ret.number)


def call_off(request, ret: Return) -> None:
    """Call the return off for whoever asks (the shopper or staff) and tell them how it went."""
    try:
        services.cancel_return(ret, by=request.user)
    except services.ReturnInvalid as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Return %(number)s is called off.") % {"number": ret.number})
