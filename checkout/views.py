"""Basket, checkout, Stripe's return pages and webhook, and the shopper's purchase history.

The views parse input, call `basket` and `services`, and render; every price shown comes from
the server, and nothing a form sends about prices is read."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Address
from accounts.ratelimit import client_ip
from storefront.origin import back_to, from_this_site, refused

from . import basket as baskets
from . import payments, services, webhooks
from .exceptions import (
    AlreadyPaid,
    BasketError,
    BasketNeedsChanges,
    CheckoutError,
    DetailsInvalid,
    DiscountInvalid,
    EmptyBasket,
    InvalidWebhook,
    OutOfStock,
    PaymentError,
    TooManyUnpaidOrders,
)
from .forms import CheckoutForm
from .models import Order, OrderLine
from .pricing import check_discount, find_discount, shipping_options, totals
from .session import CheckoutSessionData

# Basket -----------------------------------------------------------------------------------------


@require_GET
def basket_page(request):
    contents = baskets.contents_of(baskets.basket_for(request))
    baskets.remember_count(request, count=contents.count)
    for line in contents.unavailable:
        if line.variant.stock == 0 or not line.variant.product.live:
            messages.warning(
                request,
                _("%(product)s in %(size)s, %(colour)s has sold out since you added it.")
                % {
                    "product": line.variant.product.title,
                    "size": line.variant.size.name,
                    "colour": line.variant.colour.name,
                },
            )
    return render(request, "checkout/basket.html", {"basket": contents})


@csrf_exempt  # the page is cached for everybody: see storefront.origin
@require_POST
def basket_add(request):
    if not from_this_site(request):
        reason = _(
            "Nothing was added to your basket, because we could not tell that the request came "
            "from one of our pages. Please go back to the product page and add the piece from "
            "there."
        )
        return refused(request, heading=_("Not added to your basket"), reason=reason)
    basket = baskets.basket_for(request, create=True)
    try:
        line = baskets.add(
            basket,
            variant_id=request.POST.get("variant"),
            quantity=request.POST.get("quantity", "1"),
        )
    except BasketError as error:
        messages.error(request, error.message)
        return redirect(back_to(request, reverse("checkout:basket")))
    baskets.remember_count(request, basket)
    messages.success(
        request,
        _("Added to your basket: %(product)s, %(size)s, %(colour)s.")
        % {
            "product": line.variant.product.title,
            "size": line.variant.size.name,
            "colour": line.variant.colour.name,
        },
    )
    return redirect("checkout:basket")


@require_POST
def basket_update(request, line_id):
    basket = baskets.basket_for(request)
    try:
        baskets.set_quantity(basket, line_id=line_id, quantity=request.POST.get("quantity"))
    except BasketError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your basket is updated."))
    baskets.remember_count(request, basket)
    return redirect("checkout:basket")


@require_POST
def basket_remove(request, line_id):
    basket = baskets.basket_for(request)
    try:
        baskets.remove(basket, line_id=line_id)
    except BasketError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed from your basket."))
    baskets.remember_count(request, basket)
    return redirect("checkout:basket")


# Checkout ---------------------------------------------------------------------------------------


def initial_details(request, state: CheckoutSessionData) -> dict:
    """Prefill: what the shopper typed before, else their default address."""
    initial = state.form_initial
    if initial or not request.user.is_authenticated:
        return initial
    address = Address.objects.filter(user=request.user, is_default=True).first()
    if address is None:
        return {}
    return {field: getattr(address, field) for field in Address.POSTAL_FIELDS}


def summary(
    contents: baskets.BasketContents, *, discount_code: str, shipping_code: str, email: str, user
) -> dict:
    """The totals the page shows, computed here from the basket; a code that does not apply is
    reported, not applied."""
    discount, error = None, ""
    if discount_code:
        try:
            discount = find_discount(discount_code)
            check_discount(discount, subtotal=contents.subtotal, email=email, user=user)
        except DiscountInvalid as invalid:
            discount, error = None, invalid.message
    try:
        order_totals = totals(
            subtotal=contents.subtotal, discount=discount, shipping_code=shipping_code
        )
    except CheckoutError:
        order_totals = totals(
            subtotal=contents.subtotal, discount=discount, shipping_code="standard"
        )
    return {"totals": order_totals, "discount": discount, "discount_error": error}


def checkout(request):
    contents = baskets.contents_of(baskets.basket_for(request))
    try:
        services.check_ready(contents)
    except EmptyBasket as error:
        messages.info(request, error.message)
        return redirect("checkout:basket")
    except BasketNeedsChanges as error:
        messages.error(request, error.message)
        return redirect("checkout:basket")

    state = CheckoutSessionData(request)
    user = request.user if request.user.is_authenticated else None
    initial = initial_details(request, state)
    data = request.POST if request.method == "POST" else initial
    email = services.receipt_email(given=str(data.get("email", "")), user=user)
    priced = summary(
        contents,
        discount_code=str(data.get("discount_code", "")),
        shipping_code=str(data.get("shipping_method", "standard")),
        email=email,
        user=user,
    )
    form = CheckoutForm(
        request.POST or None,
        initial=initial,
        user=user,
        shipping=shipping_options(contents.subtotal - priced["totals"].discount),
    )
    context = {"form": form, "basket": contents, "simulated": settings.STRIPE_SIMULATED, **priced}
    if request.method != "POST" or "apply_code" in request.POST or not form.is_valid():
        if request.method == "POST" and "apply_code" in request.POST and context["discount"]:
            messages.success(
                request, _("The code %(code)s is applied.") % {"code": context["discount"].code}
            )
        return render(request, "checkout/checkout.html", context)

    state.remember_form({**form.cleaned_data, "email": email})
    try:
        started = services.check_out(
            contents=contents,
            details=form.details(),
            user=user,
            save_address=form.cleaned_data.get("save_address", False),
            client_ip=client_ip(request),
        )
    except DetailsInvalid as error:
        form.add_error(error.field, error.message)
        return render(request, "checkout/checkout.html", context)
    except AlreadyPaid as error:
        messages.success(request, error.message)
        return redirect("checkout:basket")
    except (EmptyBasket, OutOfStock) as error:
        messages.error(request, error.message)
        return redirect("checkout:basket")
    except TooManyUnpaidOrders as error:
        messages.error(request, error.message)
        return render(request, "checkout/checkout.html", context, status=429)
    except PaymentError as error:
        messages.error(request, error.message)
        return render(request, "checkout/checkout.html", context, status=503)
    except CheckoutError as error:
        messages.error(request, error.message)
        return render(request, "checkout/checkout.html", context)
    state.start_order(started.order.number)
    return HttpResponseRedirect(started.payment_url, status=303)


@require_GET
def success(request):
    """Where Stripe sends the shopper after paying. Fulfils the order too, in case the webhook
    is slower than the shopper. Only the shopper's own order is shown, and Stripe is asked about
    nothing else: any other session id is a 404, with no call to Stripe."""
    state = CheckoutSessionData(request)
    order = services.order_for_session(request.GET.get("session_id", ""))
    mine = order is not None and (
        state.owns(order.number) or (order.user_id is not None and order.user_id == request.user.pk)
    )
    if not mine:
        raise Http404("No such order of yours.")
    with contextlib.suppress(PaymentError):  # the webhook or the reconciliation will settle it
        order = services.fulfil(order.stripe_session_id) or order
    state.finish()
    baskets.remember_count(request, baskets.basket_for(request))
    return render(request, "checkout/success.html", {"order": order})


@require_GET
def cancel(request):
    """Stripe's Cancel: the shopper left the payment page. The order is given up at once (its
    session closed, its stock back); the basket was never emptied."""
    state = CheckoutSessionData(request)
    number = request.GET.get("order", "")
    if state.owns(number):
        order = Order.objects.filter(number=number).first()
        if order is not None:
            # Paid meanwhile, or Stripe unreachable: the reconciliation settles it then.
            with contextlib.suppress(CheckoutError, PaymentError):
                services.cancel_unpaid(order.pk)
        state.finish()
    messages.info(
        request, _("Payment cancelled: nothing was charged, and your basket is as you left it.")
    )
    return redirect("checkout:basket")


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = payments.verify_webhook(request.body, request.headers.get("Stripe-Signature"))
    except InvalidWebhook:
        return HttpResponseBadRequest("Invalid signature.")
    try:
        webhooks.handle(event)
    except PaymentError:
        # Stripe could not be asked about the session: answer so that Stripe retries later.
        return HttpResponse("Try again later.", status=503)
    return HttpResponse("ok")


# Purchase history -------------------------------------------------------------------------------


@login_required
def order_list(request):
    orders = (
        Order.objects.filter(user=request.user)
        .prefetch_related("lines")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(orders, 10).get_page(request.GET.get("page"))
    return render(request, "checkout/order_list.html", {"orders": page})


@login_required
def order_detail(request, number):
    order = get_object_or_404(
        Order.objects.prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            "status_changes",
            "refunds",
        ),
        number=number,
        user=request.user,
    )
    return render(request, "checkout/order_detail.html", {"order": order})
