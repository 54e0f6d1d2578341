"""Prices, shipping and discounts, from the server's data only. Nothing here reads a price that
a form or a client sent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import mailbox_of
from catalog.money import CENT, format_money, quantize

from .exceptions import CheckoutError, DiscountInvalid
from .models import DiscountCode, Order, ShippingSettings

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
    customer now. Uses count paid orders and unpaid ones within their reservation."""
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
    uses = Order.objects.filter(discount_code=discount).using_codes()
    if discount.usage_limit is not None and uses.count() >= discount.usage_limit:
        raise DiscountInvalid(_("This code has been used up."))
    if discount.per_customer_limit is not None and (email or user):
        # Per mailbox, so that `ann+1@…` and `Ann@…` are the same customer as `ann@…`.
        mine = Q(mailbox=mailbox_of(email)) if email else Q()
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
    """The line totals after a discount shared over them in proportion to their totals, to the
    cent: they add up to exactly subtotal − discount, and none goes below zero.

    Each line first takes its share rounded down to the cent; the cents left over go one each
    to the lines whose shares lost most to the rounding, among those that can still take one
    (the largest-remainder method). A discount larger than the subtotal takes it all."""
    subtotal = sum(line_totals, ZERO)
    discount = min(discount, subtotal)
    if not discount or not subtotal:
        return list(line_totals)
    exact = [discount * total / subtotal for total in line_totals]
    shares = [share.quantize(CENT, rounding=ROUND_DOWN) for share in exact]
    left = int((discount - sum(shares, ZERO)) / CENT)
    by_remainder = sorted(
        range(len(line_totals)), key=lambda index: exact[index] - shares[index], reverse=True
    )
    while left:
        for index in by_remainder:
            if left and shares[index] + CENT <= line_totals[index]:
                shares[index] += CENT
                left -= 1
    return [total - share for total, share in zip(line_totals, shares, strict=True)]
