"""What a product page shows: its gallery, the size x colour picker and its structured data.

A link may choose a size and colour in the picker (`?size=m&colour=black`, as the back-in-stock
mail's does), without JavaScript: the page is then rendered with that radio checked, and cached
apart. Only sizes and colours of the product's variants in stock choose anything, so made-up
values make no new entry in the cache."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from storefront.links import absolute_url
from storefront.shell import shell_for

from . import fragments, versions
from .images import largest_jpeg
from .models import ProductPage
from .picker import picker
from .queries import gallery_of, variants_of

# What a product page reads of its query string (catalog.canonical sends the rest away).
PARAMETERS = ("size", "colour")
# In the fragments' keys: a RenderedProduct of another shape, cached by the code a deploy
# replaced, is never read back. Change it when RenderedProduct's fields change.
SHAPE = 3


def structured_data(product: ProductPage, variants, gallery, *, url: str, brand: str) -> str:
    """schema.org Product in JSON-LD, escaped for a <script> element."""
    images = [absolute_url(largest_jpeg(item.image, "product").url) for item in gallery[:3]]
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "description": product.summary or strip_tags(product.description),
        "url": url,
        "image": images,
        "brand": {"@type": "Brand", "name": brand},
        "offers": [
            {
                "@type": "Offer",
                "sku": variant.sku,
                "name": f"{product.title} – {variant.size.name} / {variant.colour.name}",
                "price": str(variant.unit_price),
                "priceCurrency": settings.STORE_CURRENCY.upper(),
                "availability": "https://schema.org/"
                + ("InStock" if variant.in_stock else "OutOfStock"),
                "itemCondition": "https://schema.org/NewCondition",
                "url": url,
            }
            for variant in variants
        ],
    }
    if variants:
        data["sku"] = variants[0].sku
    text = json.dumps(data, ensure_ascii=False)
    # The same escapes as django.utils.html.json_script, so no value can close the element.
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def product_context(product: ProductPage, request) -> dict:
    gallery = gallery_of(product, "product", "thumb")
    variants = variants_of(product)
    sizes, rows = picker(variants)
    url = absolute_url(product.get_url(request))
    return {
        "gallery": gallery,
        "variants": variants,
        "picker_sizes": sizes,
        "picker_rows": rows,
        "in_stock": any(variant.in_stock for variant in variants),
        "sold_out": [variant for variant in variants if not variant.in_stock],
        "structured_data": structured_data(
            product,
            variants,
            gallery,
            url=url,
            brand=shell_for(request).name,
        ),
        "canonical_url": url,
        "og_image": largest_jpeg(gallery[0].image, "product") if gallery else None,
    }


@dataclass(frozen=True)
class RenderedProduct:
    """The parts of a product page that come from the catalog, as HTML."""

    head: SafeString  # Open Graph tags and JSON-LD
    main: SafeString  # gallery, picker, size guide and description
    canonical_url: str
    # The variants in stock by (size slug, colour slug): what a link may choose in the picker.
    choices: dict[tuple[str, str], int]
    # The product's stock version it was rendered at (a page made of it is as old as that).
    stock_versions: dict[int, str]


def choices_of(variants) -> dict[tuple[str, str], int]:
    return {
        (variant.size.slug, variant.colour.slug): variant.pk
        for variant in variants
        if variant.in_stock
    }


def rendered_product(product: ProductPage, request) -> RenderedProduct:
    """The product's parts, rendered once per published revision, version of the catalog and
    of the product's stock (it shows in the picker), and once more for each variant in stock
    that a link chooses; previews are rendered afresh. The stock version is read before the
    variants are, so a part can be no older than its key says."""

    stock = versions.products([product.pk])[product.pk]

    def render(chosen: int | None = None) -> RenderedProduct:
        context = {"page": product, **product_context(product, request), "chosen": chosen}
        return RenderedProduct(
            head=fragments.render_fragment("catalog/includes/product_head.html", context, request),
            main=fragments.render_fragment("catalog/includes/product_main.html", context, request),
            canonical_url=context["canonical_url"],
            choices=choices_of(context["variants"]),
            stock_versions={product.pk: stock},
        )

    if getattr(request, "is_preview", False):
        return render()
    parts = (SHAPE, product.pk, product.live_revision_id, stock)

    def key(*more) -> str:
        return fragments.fragment_key("product", request, *parts, *more, version=versions.catalog)

    rendered = fragments.cached(key(), render)
    chosen = rendered.choices.get((request.GET.get("size", ""), request.GET.get("colour", "")))
    if chosen is None:
        return rendered
    return fragments.cached(key(chosen), lambda: render(chosen))
