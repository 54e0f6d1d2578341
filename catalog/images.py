"""The picture sizes the store uses, in one place: templates render them, listings prefetch
them, and `warm_renditions` makes them ahead of the first shopper (seed_demo, publishing).

Each size renders as a <picture> with AVIF and WebP sources and a JPEG fallback, at 1x and 2x.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.images.models import Filter

PICTURE_SIZES: dict[str, str] = {
    "card": "fill-{360x450,720x900}-c50|format-{avif,webp,jpeg}",
    "product": "fill-{640x800,1280x1600}-c50|format-{avif,webp,jpeg}",
    "thumb": "fill-{96x120,192x240}-c50|format-{avif,webp,jpeg}",
    "hero": "fill-{800x500,1600x1000}-c50|format-{avif,webp,jpeg}",
}


# One Filter object per spec, for the life of the process: a Filter works out its operations
# (with some introspection) the first time it is asked, which cost a listing of 24 products
# about 25 ms when every picture made its Filters afresh.
FILTERS: dict[str, list[Filter]] = {
    size: [Filter(spec=spec) for spec in Filter.expand_spec(pattern)]
    for size, pattern in PICTURE_SIZES.items()
}


def filter_specs(size: str) -> list[str]:
    return [f.spec for f in FILTERS[size]]


SOURCE_FORMATS = ("avif", "webp")  # in the order browsers should prefer them; JPEG is the fallback


def picture(
    image,
    size: str,
    *,
    alt: str = "",
    sizes: str = "",
    loading: str = "lazy",
    fetchpriority: str | None = None,
    css_class: str | None = None,
) -> SafeString:
    """The <picture> of `image` at one of PICTURE_SIZES (AVIF and WebP sources, a JPEG <img>
    with width and height), from prefetched renditions when there are any.

    Written out here rather than with Wagtail's Picture class, which builds every attribute
    through Django's format_html: that came to about 2 ms a picture, 45 ms for a listing."""
    renditions = image.get_renditions(*FILTERS[size])
    by_format: dict[str, list] = {"avif": [], "webp": [], "jpeg": []}
    for image_filter in FILTERS[size]:
        by_format[image_filter.spec.rsplit("format-", 1)[1]].append(renditions[image_filter.spec])

    def srcset(items) -> str:
        return escape(", ".join(f"{rendition.url} {rendition.width}w" for rendition in items))

    sizes_attr = f' sizes="{escape(sizes)}"' if sizes else ""
    sources = "".join(
        f'<source srcset="{srcset(by_format[fmt])}"{sizes_attr} type="image/{fmt}">'
        for fmt in SOURCE_FORMATS
    )
    fallback = by_format["jpeg"][0]
    extra = "".join(
        f' {name}="{escape(value)}"'
        for name, value in (("class", css_class), ("fetchpriority", fetchpriority))
        if value
    )
    img = (
        f'<img src="{escape(fallback.url)}" srcset="{srcset(by_format["jpeg"])}"{sizes_attr} '
        f'width="{fallback.width}" height="{fallback.height}" alt="{escape(alt)}" '
        f'loading="{escape(loading)}" decoding="async"{extra}>'
    )
    return mark_safe(f"<picture>{sources}{img}</picture>")  # noqa: S308 - every value is escaped above


def largest_jpeg(image, size: str):
    """The largest JPEG rendition of a picture size, for Open Graph, JSON-LD and emails."""
    jpegs = [f for f in FILTERS[size] if f.spec.endswith("format-jpeg")]
    return image.get_renditions(*jpegs)[jpegs[-1].spec]


def rendition_prefetch(*sizes: str) -> list[str]:
    """The filter specs to pass to `prefetch_renditions` for listings of these sizes."""
    return [spec for size in sizes for spec in filter_specs(size)]


def warm_renditions(images: Iterable, sizes: Iterable[str] = ("card", "product", "thumb")) -> None:
    """Make the renditions now so that no shopper's request has to."""
    for image in images:
        image.get_renditions(*[f for size in sizes for f in FILTERS[size]])


def made_picture(image, size: str, **kwargs) -> SafeString | None:
    """`picture` of the image if all its renditions at `size` are made already (prefetched, or
    else looked up), None if not: the admin's listings show what publishing and warming made,
    and never make renditions inside a request's loop."""
    if len(image.find_existing_renditions(*FILTERS[size])) < len(FILTERS[size]):
        return None
    return picture(image, size, **kwargs)


def made_jpeg(image, size: str):
    """The smallest JPEG rendition of a picture size if it is made already, else None."""
    jpeg = next(f for f in FILTERS[size] if f.spec.endswith("format-jpeg"))
    return image.find_existing_renditions(jpeg).get(jpeg)
