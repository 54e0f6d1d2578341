"""The catalog's queries: which products a listing, a search or the API shows, filtered and
sorted, and what a product card and a product page need, each in a fixed number of queries
whatever the number of products, variants or pictures."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction

from . import fragments, versions
from .images import rendition_prefetch
from .models import CategoryPage, Colour, ProductImage, ProductPage, ProductVariant, Size

SORTS = {
    "newest": ("-first_published_at", "-pk"),
    "price": ("price", "pk"),
    "-price": ("-price", "pk"),
}


def products_under(root: Page) -> QuerySet[ProductPage]:
    """The live products below `root` outside every view restriction: Wagtail's `.public()`,
    with the restricted paths from the cache rather than a query each time."""
    products = ProductPage.objects.live().descendant_of(root)
    for path in private_paths():
        products = products.exclude(path__startswith=path)
    return products


def filter_products(products: QuerySet[ProductPage], filters: Mapping) -> QuerySet[ProductPage]:
    """The products that pass `filters`, as a listing's form or the API's query give them:
    `size` and `colour` (lists of slugs), `in_stock`, `min_price` and `max_price`; other keys are
    not filters and are left alone."""
    # Size, colour and stock must hold for one and the same variant: "M in stock" means an M
    # that is in stock, not an M and some other variant in stock.
    variant = Q()
    if filters.get("size"):
        variant &= Q(size__slug__in=filters["size"])
    if filters.get("colour"):
        variant &= Q(colour__slug__in=filters["colour"])
    if filters.get("in_stock"):
        variant &= Q(stock__gt=0)
    if variant:
        products = products.filter(
            Exists(ProductVariant.objects.filter(variant, product=OuterRef("pk")))
        )
    if filters.get("min_price") is not None:
        products = products.filter(price__gte=filters["min_price"])
    if filters.get("max_price") is not None:
        products = products.filter(price__lte=filters["max_price"])
    return products


def sort_products(products: QuerySet[ProductPage], sort: str | None) -> QuerySet[ProductPage]:
    return products.order_by(*SORTS.get(sort or "newest", SORTS["newest"]))


def with_card_data(
    products: QuerySet[ProductPage], picture_size: str = "card"
) -> QuerySet[ProductPage]:
    """What a product card shows, fetched in three queries for the whole page: the products
    with their stock state, their first gallery image, and that image's renditions at
    `picture_size` (the admin's product chooser shows thumbs)."""
    return with_availability(products).prefetch_related(card_images(picture_size))


def with_availability(products: QuerySet[ProductPage]) -> QuerySet[ProductPage]:
    """The products with `available`: whether any of their variants is in stock."""
    return products.annotate(
        available=Exists(ProductVariant.objects.filter(product=OuterRef("pk"), stock__gt=0))
    )


def card_images(picture_size: str = "card") -> Prefetch:
    """Each product's first gallery image as `card_images`, with its renditions at
    `picture_size`: two queries for any number of products."""
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=rendition_prefetch(picture_size))
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
    return Prefetch("gallery_images", queryset=first_image, to_attr="card_images")


def stamp_availability(products) -> dict[int, str]:
    """The stock versions of `products` (cards with `available`, see `with_card_data`), read
    before their availability is read again: what is cached with these versions can be no
    older than they say, whatever a sale committed while the cards were fetched. One query."""
    products = list(products)
    stamps = versions.products(product.pk for product in products)
    available = set(
        ProductVariant.objects.filter(product__in=list(stamps), stock__gt=0)
        .order_by()
        .values_list("product_id", flat=True)
        .distinct()
    )
    for product in products:
        product.available = product.pk in available
    return stamps


def category_choices() -> list[tuple[str, str]]:
    """Every category as a choice of the admin's filters, indented under its parent."""
    return [
        (str(category.pk), "– " * (category.depth - 4) + category.title)
        for category in CategoryPage.objects.order_by("path").only("pk", "title", "depth")
    ]


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


def gallery_of(product: ProductPage, *sizes: str) -> list[ProductImage]:
    """The product's pictures in order, with their renditions at `sizes`, in two queries."""
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=rendition_prefetch(*sizes))
    )
    return list(
        product.gallery_images.select_related("image").prefetch_related(
            Prefetch("image__renditions", queryset=renditions, to_attr="prefetched_renditions")
        )
    )


def variants_of(product: ProductPage) -> list[ProductVariant]:
    """The product's variants with their size and colour, in one query."""
    variants = list(product.variants.select_related("size", "colour"))
    for variant in variants:
        # The variant's product is this page; spare a query per variant for unit_price.
        variant.product = product
    return variants


def private_paths() -> tuple[str, ...]:
    """The tree paths of pages under a view restriction (password, sign-in or groups), from
    the cache until the catalog changes: nothing below them is shown or sold to shoppers."""
    return fragments.cached(
        fragments.fragment_key("private-paths", None, version=versions.catalog),
        lambda: tuple(PageViewRestriction.objects.values_list("page__path", flat=True)),
    )


def is_public(page: Page) -> bool:
    """Whether `page` is outside every view restriction (no query once the paths are cached)."""
    return not any(page.path.startswith(path) for path in private_paths())


def purchasable_variants() -> QuerySet[ProductVariant]:
    """Variants that may be put in a basket and bought: of live products outside any view
    restriction."""
    return ProductVariant.objects.filter(
        product__in=ProductPage.objects.live().public().values("pk")
    )
