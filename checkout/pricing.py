"""Prices, shipping and discounts, from the server's data only. Nothing here reads a price that
a form or a client sent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.money import format_money, quantize

from .exceptions import CheckoutError, DiscountInvalid
from .models import DiscountCode, Order, OrderStatus, ShippingSettings

ZERO = Decimal("0.00")
STANDARD, EXPRESS = "standard", "express"


@dataclass(frozen=True)
class ShippingOption:
    code: str
    label: str
    price: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    total: Decimal


def shipping_options(discounted_subtotal: Decimal) -> list[ShippingOption]:
    rates = ShippingSettings.load()
    threshold = rates.free_shipping_threshold
    standard = (
        ZERO if threshold is not None and discounted_subtotal >= threshold else rates.standard_rate
    )
    return [
        ShippingOption(STANDARD, rates.standard_label, standard),
        ShippingOption(EXPRESS, rates.express_label, rates.express_rate),
    ]


def shipping_option(code: str, discounted_subtotal: Decimal) -> ShippingOption:
    for option in shipping_options(discounted_subtotal):
        if option.code == code:
            return option
    raise CheckoutError(_("Please choose a shipping method."))


def find_discount(code: str) -> DiscountCode:
    discount = DiscountCode.objects.filter(code__iexact=code.strip()).first()
    if discount is None or not discount.active:
        raise DiscountInvalid(
            _("“%(code)s” is not a discount code we know.") % {"code": code.strip()}
        )
    return discount


def check_discount(
    discount: DiscountCode, *, subtotal: Decimal, email: str = "", user=None
) -> None:
    """Raise DiscountInvalid with the reason if the code does not apply to this basket and
    customer now. Uses count orders still pending or paid, not expired or cancelled ones."""
    now = timezone.now()
    if discount.valid_from and now < discount.valid_from:
        raise DiscountInvalid(_("This code is not valid yet."))
    if discount.valid_until and now > discount.valid_until:
        raise DiscountInvalid(_("This code has expired."))
    if subtotal < discount.minimum_subtotal:
        raise DiscountInvalid(
            _("This code needs a subtotal of at least %(minimum)s.")
            % {"minimum": format_money(discount.minimum_subtotal)}
        )
    uses = Order.objects.filter(discount_code=discount).exclude(
        status__in=[OrderStatus.CANCELLED, OrderStatus.EXPIRED]
    )
    if discount.usage_limit is not None and uses.count() >= discount.usage_limit:
        raise DiscountInvalid(_("This code has been used up."))
    if discount.per_customer_limit is not None and (email or user):
        mine = Q(email__iexact=email) if email else Q()
        if user is not None and user.is_authenticated:
            mine |= Q(user=user)
        if uses.filter(mine).count() >= discount.per_customer_limit:
            raise DiscountInvalid(_("You have already used this code."))


def discount_amount(discount: DiscountCode | None, subtotal: Decimal) -> Decimal:
    if discount is None:
        return ZERO
    if discount.kind == DiscountCode.Kind.PERCENT:
        return min(quantize(subtotal * discount.value / 100), subtotal)
    return min(quantize(discount.value), subtotal)


def totals(*, subtotal: Decimal, discount: DiscountCode | None, shipping_code: str) -> Totals:
    off = discount_amount(discount, subtotal)
    shipping = shipping_option(shipping_code, subtotal - off).price
    return Totals(
        subtotal=subtotal, discount=off, shipping=shipping, total=subtotal - off + shipping
    )


def spread_discount(line_totals: list[Decimal], discount: Decimal) -> list[Decimal]:
    """Share a discount over lines in proportion to their totals, to the cent, so that the
    discounted lines add up to exactly subtotal − discount (the last line takes the rounding)."""
    subtotal = sum(line_totals, ZERO)
    if not discount or not subtotal:
        return list(line_totals)
    shares, given = [], ZERO
    for index, line_total in enumerate(line_totals):
        share = (
            discount - given
            if index == len(line_totals) - 1
            else quantize(discount * line_total / subtotal)
        )
        shares.append(line_total - share)
        given += share
    return shares
