"""A product's variants as a grid of sizes by colours: the product page's picker, and the
summary in the product editor. Plain objects only, so the admin's panels can use it too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Colour, ProductVariant, Size


@dataclass(frozen=True)
class PickerRow:
    colour: Colour
    cells: list[ProductVariant | None]  # one per size; None where the product has no such variant


def picker(variants: list[ProductVariant]) -> tuple[list[Size], list[PickerRow]]:
    """A grid of the product's variants: a row per colour, a column per size."""

    def order(item):
        return (item.sort_order, item.name)

    sizes = sorted({v.size_id: v.size for v in variants}.values(), key=order)
    colours = sorted({v.colour_id: v.colour for v in variants}.values(), key=order)
    by_key = {(v.size_id, v.colour_id): v for v in variants}
    rows = [
        PickerRow(colour=colour, cells=[by_key.get((size.pk, colour.pk)) for size in sizes])
        for colour in colours
    ]
    return sizes, rows
