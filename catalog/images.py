"""The picture sizes the store uses, in one place: templates render them, listings prefetch
them, and `warm_renditions` makes them ahead of the first shopper (seed_demo, publishing).

Each size renders as a <picture> with AVIF and WebP sources and a JPEG fallback, at 1x and 2x.
"""

from __future__ import annotations

from collections.abc import Iterable

from wagtail.images.models import Filter, Picture

PICTURE_SIZES: dict[str, str] = {
    "card": "fill-{360x450,720x900}-c50|format-{avif,webp,jpeg}",
    "product": "fill-{640x800,1280x1600}-c50|format-{avif,webp,jpeg}",
    "thumb": "fill-{96x120,192x240}-c50|format-{avif,webp,jpeg}",
    "hero": "fill-{800x500,1600x1000}-c50|format-{avif,webp,jpeg}",
}


def filter_specs(size: str) -> list[str]:
    return Filter.expand_spec(PICTURE_SIZES[size])


def picture(image, size: str, **attrs) -> Picture:
    """The <picture> of `image` at one of PICTURE_SIZES; uses prefetched renditions if any."""
    renditions = image.get_renditions(*filter_specs(size))
    return Picture(renditions, {key: value for key, value in attrs.items() if value is not None})


def largest_jpeg(image, size: str):
    """The largest JPEG rendition of a picture size, for Open Graph, JSON-LD and emails."""
    specs = [spec for spec in filter_specs(size) if spec.endswith("format-jpeg")]
    return image.get_renditions(*specs)[specs[-1]]


def rendition_prefetch(*sizes: str) -> list[str]:
    """The filter specs to pass to `prefetch_renditions` for listings of these sizes."""
    return [spec for size in sizes for spec in filter_specs(size)]


def warm_renditions(images: Iterable, sizes: Iterable[str] = ("card", "product", "thumb")) -> None:
    """Make the renditions now so that no shopper's request has to."""
    for image in images:
        image.get_renditions(*[spec for size in sizes for spec in filter_specs(size)])
