"""The saved page (personal, never cached) and its forms. Saving is a form on product cards and
product pages, which are cached for everybody: it carries no per-visitor token, is the same for
everybody, and sends the shopper back where they were. `saved.pieces` decides; these views
parse, call and answer."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from checkout import basket as baskets
from storefront.origin import back_to, from_this_site, refused

from . import pieces


@never_cache
@require_GET
def saved_page(request):
    contents = pieces.contents_of(pieces.saved_list_for(request))
    return render(request, "saved/saved_list.html", {"saved": contents})


def described(product, variant) -> str:
    if variant is None:
        return product.title
    return _("%(product)s in %(size)s, %(colour)s") % {
        "product": product.title,
        "size": variant.size.name,
        "colour": variant.colour.name,
    }


@csrf_exempt  # product cards and pages are cached for everybody: see storefront.origin
@require_POST
def save(request):
    if not from_this_site(request):
        reason = _(
            "Nothing was saved, because we could not tell that the request came from one of "
            "our pages. Please go back to the piece and save it from there."
        )
        return refused(request, heading=_("Not saved"), reason=reason)
    back = back_to(request, reverse("saved:list"))
    try:
        piece, created = pieces.save(
            pieces.saved_list_for(request, create=True),
            product_id=request.POST.get("product"),
            variant_id=request.POST.get("variant"),
        )
    except pieces.SavedError as error:
        messages.error(request, error.message)
        return redirect(back)
    piece_name = described(piece.product, piece.variant)
    if created:
        messages.success(
            request,
            _("Saved for later: %(piece)s. Your saved pieces are under Saved, at the top.")
            % {"piece": piece_name},
        )
    else:
        messages.info(request, _("%(piece)s is saved already.") % {"piece": piece_name})
    return redirect(back)


@require_POST
def remove(request, piece_id):
    try:
        piece = pieces.remove(pieces.saved_list_for(request), piece_id=piece_id)
    except pieces.SavedError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Removed from your saved pieces: %(piece)s.")
            % {"piece": described(piece.product, piece.variant)},
        )
    return redirect("saved:list")


@require_POST
def move_to_basket(request, piece_id):
    basket = baskets.basket_for(request, create=True)
    try:
        line = pieces.move_to_basket(
            pieces.saved_list_for(request),
            basket,
            piece_id=piece_id,
            variant_id=request.POST.get("variant"),
            quantity=request.POST.get("quantity", "1"),
        )
    except pieces.SavedError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Moved to your basket: %(piece)s.")
            % {"piece": described(line.variant.product, line.variant)},
        )
    baskets.remember_count(request, basket)
    return redirect("saved:list")
