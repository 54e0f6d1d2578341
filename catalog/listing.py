"""Product listings: the shop index and category pages list the live products of their subtree,
filtered, sorted and paginated, with a fixed number of queries whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import QueryDict
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Page

from . import fragments
from .forms import ProductFilterForm
from .images import rendition_prefetch
from .models import Colour, ProductImage, ProductPage, ProductVariant, Size
from .money import format_money

PER_PAGE = 24
SORTS = {
    "newest": ("-first_published_at", "-pk"),
    "price": ("price", "pk"),
    "-price": ("-price", "pk"),
}


def products_under(root: Page) -> QuerySet[ProductPage]:
    return ProductPage.objects.live().public().descendant_of(root)


def filter_products(
    products: QuerySet[ProductPage],
    *,
    size: list[str] | None = None,
    colour: list[str] | None = None,
    in_stock: bool = False,
    min_price=None,
    max_price=None,
) -> QuerySet[ProductPage]:
    # Size, colour and stock must hold for one and the same variant: "M in stock" means an M
    # that is in stock, not an M and some other variant in stock.
    variant = Q()
    if size:
        variant &= Q(size__slug__in=size)
    if colour:
        variant &= Q(colour__slug__in=colour)
    if in_stock:
        variant &= Q(stock__gt=0)
    if variant:
        products = products.filter(
            Exists(ProductVariant.objects.filter(variant, product=OuterRef("pk")))
        )
    if min_price is not None:
        products = products.filter(price__gte=min_price)
    if max_price is not None:
        products = products.filter(price__lte=max_price)
    return products


def sort_products(products: QuerySet[ProductPage], sort: str | None) -> QuerySet[ProductPage]:
    return products.order_by(*SORTS.get(sort or "newest", SORTS["newest"]))


def with_card_data(products: QuerySet[ProductPage]) -> QuerySet[ProductPage]:
    """What a product card shows, fetched in three queries for the whole page: the products
    with their stock state, their first gallery image, and that image's renditions."""
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=rendition_prefetch("card"))
    )
    # The first gallery image of each product. (A sliced Prefetch would say this more simply,
    # but modelcluster's relations cannot filter a sliced queryset.)
    first_image = (
        ProductImage.objects.annotate(
            position=Window(
                RowNumber(), partition_by=F("product_id"), order_by=[F("sort_order"), F("pk")]
            )
        )
        .filter(position=1)
        .select_related("image")
        .prefetch_related(
            Prefetch("image__renditions", queryset=renditions, to_attr="prefetched_renditions")
        )
    )
    return products.annotate(
        available=Exists(ProductVariant.objects.filter(product=OuterRef("pk"), stock__gt=0))
    ).prefetch_related(Prefetch("gallery_images", queryset=first_image, to_attr="card_images"))


def facets(products: QuerySet[ProductPage]) -> tuple[list[Size], list[Colour]]:
    """The sizes and colours that the products have, in one query."""
    rows = (
        ProductVariant.objects.filter(product__in=products.values("pk"))
        # No ordering: the model's would join the DISTINCT and multiply the rows.
        .order_by()
        .values_list(
            "size_id",
            "size__name",
            "size__slug",
            "size__sort_order",
            "colour_id",
            "colour__name",
            "colour__slug",
            "colour__sort_order",
            "colour__swatch",
        )
        .distinct()
    )
    sizes: dict[int, Size] = {}
    colours: dict[int, Colour] = {}
    for s_id, s_name, s_slug, s_order, c_id, c_name, c_slug, c_order, c_swatch in rows:
        if s_id not in sizes:
            sizes[s_id] = Size(id=s_id, name=s_name, slug=s_slug, sort_order=s_order)
        if c_id not in colours:
            colours[c_id] = Colour(
                id=c_id, name=c_name, slug=c_slug, sort_order=c_order, swatch=c_swatch
            )

    def order(item):
        return (item.sort_order, item.name)

    return sorted(sizes.values(), key=order), sorted(colours.values(), key=order)


def cached_facets(
    request, root: Page, products: QuerySet[ProductPage]
) -> tuple[list[Size], list[Colour]]:
    """`facets`, kept in the cache until the catalog changes."""
    return fragments.cached(
        fragments.fragment_key("facets", request, root.pk), lambda: facets(products)
    )


def active_filters(query: QueryDict, filters: dict, sizes, colours) -> list[dict]:
    """One chip per applied filter, each with the query string that removes it."""

    def without(key: str, value: str | None = None) -> str:
        remaining = query.copy()
        remaining.pop("page", None)
        if value is None:
            remaining.pop(key, None)
        else:
            remaining.setlist(key, [v for v in query.getlist(key) if v != value])
        return remaining.urlencode()

    names = {
        "size": {size.slug: size.name for size in sizes},
        "colour": {colour.slug: colour.name for colour in colours},
    }
    chips = [
        {"label": names[key][value], "query": without(key, value)}
        for key in ("size", "colour")
        for value in filters.get(key, [])
    ]
    if "min_price" in filters:
        label = _("From %(amount)s") % {"amount": format_money(filters["min_price"])}
        chips.append({"label": label, "query": without("min_price")})
    if "max_price" in filters:
        label = _("Up to %(amount)s") % {"amount": format_money(filters["max_price"])}
        chips.append({"label": label, "query": without("max_price")})
    if filters.get("in_stock"):
        chips.append({"label": _("In stock"), "query": without("in_stock")})
    return chips


@dataclass(frozen=True)
class RenderedListing:
    """A listing as HTML, with what the page around it needs to know."""

    html: SafeString
    page_number: int
    product_count: int
    is_filtered: bool


def listing_context(request, *, root: Page) -> dict:
    """The listing of `root`'s subtree for this query string: rendered once per query and
    version of the catalog, then served from the cache."""
    key = fragments.fragment_key(
        "listing", request, root.pk, fragments.canonical_query(request.GET)
    )
    return {"listing": fragments.cached(key, lambda: render_listing(request, root=root))}


def render_listing(request, *, root: Page) -> RenderedListing:
    base = products_under(root)
    sizes, colours = cached_facets(request, root, base)
    form = ProductFilterForm(request.GET or None, sizes=sizes, colours=colours)
    filters = form.filters()
    products = sort_products(
        filter_products(
            base,
            size=filters.get("size"),
            colour=filters.get("colour"),
            in_stock=filters.get("in_stock", False),
            min_price=filters.get("min_price"),
            max_price=filters.get("max_price"),
        ),
        filters.get("sort"),
    )
    page = Paginator(with_card_data(products), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    is_filtered = any(key != "sort" for key in filters)
    context = {
        "products": page,
        "filter_form": form,
        "sizes": sizes,
        "colours": colours,
        "active_filters": active_filters(request.GET, filters, sizes, colours),
        "filters_query": query.urlencode(),
        "is_filtered": is_filtered,
    }
    return RenderedListing(
        html=fragments.render_fragment("catalog/listing.html", context, request),
        page_number=page.number,
        product_count=page.paginator.count,
        is_filtered=is_filtered,
    )
