"""A product's variants, as merchandisers keep them on its grid: which sizes and colours it is
sold in, their SKUs, stock and prices."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from wagtail.search.backends import get_search_backend

from . import versions
from .models import Colour, ProductPage, ProductVariant, Size
from .stock import adjust_stock


@dataclass(frozen=True)
class Cell:
    """One size x colour of the grid, as the merchandiser left it."""

    size: Size
    colour: Colour
    sold: bool
    sku: str
    stock: int
    stock_shown: int | None
    price: Decimal | None


class GridError(Exception):
    """Cells that cannot be saved, as {field name: message}; nothing was saved."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def product_code(product: ProductPage) -> str:
    """The part the product's SKUs share (`DRS-00012` of `DRS-00012-M-BLA`), or one made from
    its slug for a product without variants yet."""
    skus = list(product.variants.values_list("sku", flat=True)[:20]) if product.pk else []
    prefix = common_prefix(skus) if len(skus) > 1 else ""
    if not prefix and skus:
        prefix = skus[0].rsplit("-", 2)[0]
    prefix = prefix.rstrip("-")
    if prefix:
        return prefix
    return re.sub(r"[^A-Z0-9]+", "-", (product.slug or product.title).upper()).strip("-")[:40]


def common_prefix(values: list[str]) -> str:
    first, last = min(values), max(values)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    # Up to a whole segment: `DRS-00012-` of `DRS-00012-M-BLA` and `DRS-00012-XL-BLA`.
    return first[: first.rfind("-", 0, length) + 1] if "-" in first[:length] else ""


def suggested_sku(code: str, size: Size, colour: Colour) -> str:
    return f"{code}-{size.name}-{colour.name[:3]}".upper()


def grid_colours(product: ProductPage, extra: Iterable[int] = ()) -> list[Colour]:
    """The colours the product is sold in, and those asked to be added to its grid."""
    used = set(product.variants.values_list("colour_id", flat=True))
    return list(Colour.objects.filter(pk__in=used | set(extra)))


def save_grid(product: ProductPage, cells: list[Cell], *, by, key: str) -> dict[str, int]:
    """Make the product's variants what the grid says, in one transaction: new variants for
    newly ticked cells, SKU and price changes, stock changes as differences from what the grid
    showed (recorded under `key`, so the same form sent again moves nothing), and variants
    whose cell was unticked removed. Raises GridError, saving nothing, when a SKU is taken."""
    existing = {(v.size_id, v.colour_id): v for v in product.variants.all()}
    wanted = {(c.size.pk, c.colour.pk): c for c in cells if c.sold}
    check_skus_are_free(product, wanted.values())
    counts = {"added": 0, "changed": 0, "removed": 0, "stock_moves": 0}
    try:
        with transaction.atomic():
            for place, cell in wanted.items():
                variant = existing.get(place)
                if variant is None:
                    variant = ProductVariant.objects.create(
                        product=product,
                        size=cell.size,
                        colour=cell.colour,
                        sku=cell.sku,
                        price=cell.price,
                        stock=0,
                    )
                    counts["added"] += 1
                    change = cell.stock
                else:
                    if (variant.sku, variant.price) != (cell.sku, cell.price):
                        ProductVariant.objects.filter(pk=variant.pk).update(
                            sku=cell.sku, price=cell.price
                        )
                        counts["changed"] += 1
                    change = 0 if cell.stock_shown is None else cell.stock - cell.stock_shown
                if change and adjust_stock(variant_id=variant.pk, change=change, key=key, by=by):
                    counts["stock_moves"] += 1
            gone = [v.pk for place, v in existing.items() if place not in wanted]
            if gone:
                counts["removed"] = (
                    ProductVariant.objects.filter(pk__in=gone)
                    .delete()[1]
                    .get(ProductVariant._meta.label, 0)
                )
            versions.catalog_changed()
    except IntegrityError as error:
        raise GridError(
            {"__all__": _("Another change was saved at the same moment. Please try again.")}
        ) from error
    # Search finds products by SKU.
    get_search_backend().add(product)
    return counts


def check_skus_are_free(product: ProductPage, cells: Iterable[Cell]) -> None:
    by_sku = {cell.sku.upper(): cell for cell in cells}
    taken = (
        ProductVariant.objects.filter(sku__in=[cell.sku for cell in by_sku.values()])
        .exclude(product=product)
        .select_related("product", "size", "colour")
    )
    errors = {}
    for variant in taken:
        cell = by_sku[variant.sku.upper()]
        errors[f"c{cell.size.pk}_{cell.colour.pk}_sku"] = _(
            "%(sku)s is already the SKU of %(product)s (%(size)s / %(colour)s)."
        ) % {
            "sku": variant.sku,
            "product": variant.product.title,
            "size": variant.size.name,
            "colour": variant.colour.name,
        }
    if errors:
        raise GridError(errors)
