"""Template helpers of the catalog: money and pictures."""

from django import template

from catalog import fragments, images
from catalog.money import format_money

register = template.Library()


@register.filter
def money(amount, currency=None):
    """`{{ product.price|money }}`: the amount in the store's currency, e.g. $129.00."""
    return format_money(amount, currency)


@register.simple_tag
def picture(image, size, alt="", sizes=None, loading="lazy", css_class=None, fetchpriority=None):
    """`{% picture image "card" alt=... sizes="..." %}`: AVIF and WebP sources with a JPEG
    fallback at 1x and 2x, width and height set, lazy unless told otherwise."""
    if not image:
        return ""
    return images.picture(
        image,
        size,
        alt=alt,
        sizes=sizes or "",
        loading=loading,
        fetchpriority=fetchpriority,
        css_class=css_class,
    )


@register.simple_tag(takes_context=True)
def catalog_version(context):
    """`{% catalog_version as version %}`: vary a `{% cache %}` fragment that shows products on
    this, and it is made afresh whenever the catalog or its stock changes."""
    return fragments.catalog_version(context["request"])
