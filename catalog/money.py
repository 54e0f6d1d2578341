"""Money is a Decimal in the store's one currency (STORE_CURRENCY)."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$", "jpy": "¥"}
# Currencies that Stripe counts in whole units rather than cents.
ZERO_DECIMAL = {"jpy", "krw", "vnd", "clp", "isk", "ugx", "xaf", "xof"}

CENT = Decimal("0.01")


def quantize(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None, currency: str | None = None) -> str:
    if amount is None:
        return ""
    currency = (currency or settings.STORE_CURRENCY).lower()
    symbol = SYMBOLS.get(currency)
    places = Decimal("1") if currency in ZERO_DECIMAL else CENT
    value = f"{Decimal(amount).quantize(places, rounding=ROUND_HALF_UP):,}"
    return f"{symbol}{value}" if symbol else f"{value} {currency.upper()}"


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Stripe's integer amount: cents, or whole units for zero-decimal currencies."""
    if currency.lower() in ZERO_DECIMAL:
        return int(Decimal(amount).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_minor_units(amount: int, currency: str) -> Decimal:
    if currency.lower() in ZERO_DECIMAL:
        return Decimal(amount)
    return (Decimal(amount) / 100).quantize(CENT)
