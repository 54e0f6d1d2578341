"""Template helpers of the catalog: money, pictures, and the rendered parts of catalog pages.

Catalog pages ask for their parts here (`{% product_listing page as listing %}`,
`{% product_parts page as product %}`) rather than in the page models' `get_context`, so that
the models hold data only and the presentation modules (`listing`, `product`) build on them."""

from django import template

from catalog import alerts, images, listing, product, versions
from catalog.money import format_money

register = template.Library()


@register.filter
def money(amount, currency=None):
    """`{{ product.price|money }}`: the amount in the store's currency, e.g. $129.00."""
    return format_money(amount, currency)


@register.simple_tag
def sized_picture(
    image, size, alt="", sizes=None, loading="lazy", css_class=None, fetchpriority=None
):
    """`{% sized_picture image "card" alt=... sizes="..." %}`: one of the store's picture sizes
    (`catalog.images.PICTURE_SIZES`) with AVIF and WebP sources and a JPEG fallback at 1x and
    2x, width and height set, lazy unless told otherwise."""
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
    this, and it is made afresh whenever the catalog changes or a product sells out or comes
    back."""
    return versions.available(context["request"])


def once_per_request(request, key, make):
    """`make()`, or what it gave the first time this request asked for `key`: a page's blocks
    (title, canonical link, body) each ask for the same parts."""
    parts = request.__dict__.setdefault("_catalog_parts", {})
    if key not in parts:
        parts[key] = make()
    return parts[key]


@register.simple_tag(takes_context=True)
def product_listing(context, page):
    """`{% product_listing page as listing %}`: the listing of a shop index or category page
    for this request's query string (a `catalog.listing.RenderedListing`)."""
    request = context["request"]
    return once_per_request(
        request, ("listing", page.pk), lambda: listing.rendered_listing(request, root=page)
    )


@register.simple_tag(takes_context=True)
def product_parts(context, page):
    """`{% product_parts page as product %}`: a product page's rendered head and main parts (a
    `catalog.product.RenderedProduct`)."""
    request = context["request"]
    return once_per_request(
        request, ("product", page.pk), lambda: product.rendered_product(page, request)
    )


@register.simple_tag
def back_in_stock_alerts(user):
    """`{% back_in_stock_alerts user as alerts %}`: a signed-in shopper's open alerts, for their
    profile (the accounts app knows nothing of the catalog)."""
    return list(alerts.alerts_of(user)) if user.is_authenticated else []


@register.filter
def chosen_in_picker(variant):
    """`{{ variant|chosen_in_picker }}`: its product's URL with this size and colour chosen."""
    return alerts.chosen_url(variant)
