"""The basket: an anonymous shopper's lives by a key in their session, a signed-in shopper's is
theirs, and the two merge when the shopper signs in. Quantities are whole numbers from 1 to the
stock left and the basket's limit per piece; anything else is refused with a sentence that says
why. Only pieces of live products outside any view restriction can be added or bought."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.images import get_image_model

from catalog.images import rendition_prefetch
from catalog.models import ProductImage, ProductVariant
from catalog.queries import is_public, purchasable_variants
from storefront.personal import BASKET_COUNT_KEY

from .exceptions import BasketError
from .models import Basket, BasketLine, Order, OrderLine

SESSION_KEY = "basket_id"


def max_per_piece() -> int:
    """How many of one size and colour a basket may hold (BASKET_MAX_PER_VARIANT): more than a
    shopper buys, too few to hoard a size."""
    return settings.BASKET_MAX_PER_VARIANT


# What a quantity that cannot be used is told, on the pages and by the API (whose serializers
# use these as their error messages).
QUANTITY_MESSAGES = {
    "invalid": gettext_lazy("Please enter the quantity as a whole number, such as 1 or 2."),
    "min_value": gettext_lazy("The quantity must be at least 1. To take a piece out, remove it."),
    "max_value": lazy(
        lambda: (
            _("You can have at most %(max)d of a piece in your basket.") % {"max": max_per_piece()}
        ),
        str,
    )(),
}


@dataclass
class Line:
    line: BasketLine
    variant: ProductVariant
    available: bool  # False when it sold out (or ran short) since it was added
    unit_price: Decimal
    line_total: Decimal
    image: ProductImage | None = None

    @property
    def pk(self) -> int:
        return self.line.pk

    @property
    def quantity(self) -> int:
        return self.line.quantity


@dataclass
class BasketContents:
    """A basket's lines as the shopper sees them now: live prices, and whether stock still
    covers each line."""

    basket: Basket | None
    lines: list[Line] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines if line.available), Decimal("0.00"))

    @property
    def unavailable(self) -> list[Line]:
        return [line for line in self.lines if not line.available]

    @property
    def can_check_out(self) -> bool:
        return bool(self.lines) and not self.unavailable


# Finding the basket --------------------------------------------------------------------------


def basket_for(request, *, create: bool = False) -> Basket | None:
    """The shopper's basket: the user's if signed in, else the session's."""
    if request.user.is_authenticated:
        if create:
            return Basket.objects.get_or_create(user=request.user)[0]
        return Basket.objects.filter(user=request.user).first()
    basket_id = request.session.get(SESSION_KEY)
    basket = Basket.objects.filter(pk=basket_id, user=None).first() if basket_id else None
    if basket is None and create:
        basket = Basket.objects.create()
        request.session[SESSION_KEY] = basket.pk
    return basket


def remember_count(request, basket: Basket | None = None, *, count: int | None = None) -> int:
    """Keep the header's count in the session (written only when it changed)."""
    if count is None:
        count = sum(basket.lines.values_list("quantity", flat=True)) if basket else 0
    if hasattr(request, "session") and request.session.get(BASKET_COUNT_KEY) != count:
        request.session[BASKET_COUNT_KEY] = count
    return count


def contents_of(basket: Basket | None) -> BasketContents:
    """The basket's lines with what the page shows: variant, product, first image, live price
    and whether stock still covers the line. A fixed number of queries, whatever its length."""
    if basket is None:
        return BasketContents(basket=None)
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=rendition_prefetch("thumb"))
    )
    # Pieces this basket's own unpaid order holds are the shopper's to check out again (doing
    # so gives that order up first): they count as available, in the same query.
    held = (
        OrderLine.objects.filter(
            order__in=Order.objects.awaiting_payment().filter(basket=OuterRef(OuterRef("basket"))),
            variant=OuterRef("variant"),
        )
        .order_by()
        .values("variant")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    lines = list(
        basket.lines.annotate(held=Coalesce(Subquery(held), 0))
        .select_related("variant__product", "variant__size", "variant__colour")
        .prefetch_related(
            Prefetch(
                "variant__product__gallery_images",
                queryset=ProductImage.objects.order_by("sort_order", "pk")
                .select_related("image")
                .prefetch_related(
                    Prefetch(
                        "image__renditions", queryset=renditions, to_attr="prefetched_renditions"
                    )
                ),
                to_attr="basket_images",
            )
        )
    )
    contents = BasketContents(basket=basket)
    for line in lines:
        variant = line.variant
        unit_price = variant.unit_price
        images = variant.product.basket_images
        contents.lines.append(
            Line(
                line=line,
                variant=variant,
                available=(
                    variant.product.live
                    and is_public(variant.product)
                    and variant.stock + line.held >= line.quantity
                ),
                unit_price=unit_price,
                line_total=unit_price * line.quantity,
                image=images[0] if images else None,
            )
        )
    return contents


# Changing it ----------------------------------------------------------------------------------


def parse_quantity(raw) -> int:
    try:
        quantity = int(str(raw).strip())
    except (TypeError, ValueError):
        raise BasketError(QUANTITY_MESSAGES["invalid"]) from None
    if quantity < 1:
        raise BasketError(QUANTITY_MESSAGES["min_value"])
    check_limit(quantity)
    return quantity


def check_limit(quantity: int) -> None:
    if quantity > max_per_piece():
        raise BasketError(QUANTITY_MESSAGES["max_value"])


def find_variant(raw) -> ProductVariant:
    try:
        variant_id = int(str(raw))
    except (TypeError, ValueError):
        raise BasketError(_("Please choose a size and colour."), field="variant") from None
    variant = (
        purchasable_variants().select_related("product", "size", "colour").filter(pk=variant_id)
    ).first()
    if variant is None:
        raise BasketError(
            _("That size and colour is no longer available. Please choose another."),
            field="variant",
        )
    return variant


def check_stock(variant: ProductVariant, quantity: int) -> None:
    if variant.stock <= 0:
        raise BasketError(
            _("%(product)s in %(size)s, %(colour)s is sold out.")
            % {
                "product": variant.product.title,
                "size": variant.size.name,
                "colour": variant.colour.name,
            },
            field="variant",
        )
    if quantity > variant.stock:
        raise BasketError(
            ngettext(
                "Only %(count)d piece of %(product)s in %(size)s, %(colour)s is left.",
                "Only %(count)d pieces of %(product)s in %(size)s, %(colour)s are left.",
                variant.stock,
            )
            % {
                "count": variant.stock,
                "product": variant.product.title,
                "size": variant.size.name,
                "colour": variant.colour.name,
            }
        )


@transaction.atomic
def add(basket: Basket, *, variant_id, quantity) -> BasketLine:
    """Add pieces of a variant; a line already in the basket grows, within the stock left and
    the basket's limit per piece. Two adds to one basket at once (a double click) queue on the
    basket's row, so the second finds the first's line and adds to it."""
    variant = find_variant(variant_id)
    quantity = parse_quantity(quantity)
    Basket.objects.select_for_update().filter(pk=basket.pk).first()
    line = BasketLine.objects.filter(basket=basket, variant=variant).first()
    wanted = quantity + (line.quantity if line else 0)
    check_limit(wanted)
    check_stock(variant, wanted)
    if line is None:
        line = BasketLine.objects.create(basket=basket, variant=variant, quantity=wanted)
    else:
        line.quantity = wanted
        line.save(update_fields=["quantity"])
    basket.save(update_fields=["updated_at"])
    return line


def line_of(basket: Basket | None, line_id) -> BasketLine:
    """A line of this basket; another basket's line (or nonsense) is simply not found."""
    try:
        line_id = int(str(line_id))
    except (TypeError, ValueError):
        line_id = None
    line = (
        basket.lines.select_related("variant__product", "variant__size", "variant__colour")
        .filter(pk=line_id)
        .first()
        if basket and line_id
        else None
    )
    if line is None:
        raise BasketError(_("That line is no longer in your basket."), field="line")
    return line


def set_quantity(basket: Basket | None, *, line_id, quantity) -> BasketLine:
    line = line_of(basket, line_id)
    quantity = parse_quantity(quantity)
    check_stock(line.variant, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    basket.save(update_fields=["updated_at"])  # touched: see checkout.retention
    return line


def remove(basket: Basket | None, *, line_id) -> None:
    line_of(basket, line_id).delete()
    basket.save(update_fields=["updated_at"])


@transaction.atomic
def merge(source: Basket, into: Basket) -> None:
    """Move an anonymous basket's lines into the signed-in shopper's: quantities add up, capped
    by the stock left; lines of sold-out pieces come along so the shopper sees what happened."""
    existing = {line.variant_id: line for line in into.lines.select_for_update()}
    for line in source.lines.select_related("variant"):
        target = existing.get(line.variant_id)
        wanted = line.quantity + (target.quantity if target else 0)
        quantity = max(1, min(wanted, line.variant.stock, max_per_piece()))
        if target is None:
            BasketLine.objects.create(basket=into, variant=line.variant, quantity=quantity)
        else:
            target.quantity = quantity
            target.save(update_fields=["quantity"])
    source.delete()


def merge_on_sign_in(request, user) -> None:
    """Called when a shopper signs in: the session's basket joins theirs."""
    basket_id = request.session.pop(SESSION_KEY, None)
    anonymous = Basket.objects.filter(pk=basket_id, user=None).first() if basket_id else None
    if anonymous is not None and anonymous.lines.exists():
        merge(anonymous, Basket.objects.get_or_create(user=user)[0])
    elif anonymous is not None:
        anonymous.delete()
    remember_count(request, Basket.objects.filter(user=user).first())
