"""Product listings as shoppers see them: the shop index and category pages list the live
products of their subtree, filtered, sorted and paginated (`catalog.queries`), rendered once per
query string and version of the catalog, then served from the cache while the stock versions of
the products shown are those it was rendered with (`fragments.cached_for_products`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from wagtail.models import Page

from . import fragments, versions
from .cards import with_cards
from .forms import ProductFilterForm
from .money import format_money
from .queries import (
    facets,
    filter_products,
    products_under,
    sort_products,
    stamp_availability,
    with_availability,
)

PER_PAGE = 24
# What a listing reads from its query string: its filters and the page.
PARAMETERS = (*ProductFilterForm.base_fields, "page")


def cached_facets(request, root: Page, products: QuerySet) -> tuple[list, list]:
    """`facets`, kept in the cache until the catalog changes."""
    return fragments.cached(
        fragments.fragment_key("facets", request, root.pk, version=versions.catalog),
        lambda: facets(products),
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
    # Whether the query was all valid and its page exists: only then is the listing kept.
    is_exact: bool = True
    stock_versions: dict[int, str] = field(default_factory=dict)


def rendered_listing(request, *, root: Page) -> RenderedListing:
    """The listing of `root`'s subtree for the parameters of this query string that a listing
    reads (`PARAMETERS`, see `fragments.understood`): rendered once per query and version of the
    catalog, then served from the cache. A query with filters that do not apply, or a page past
    the last, is rendered each time rather than kept."""
    query = fragments.understood(request.GET, PARAMETERS)
    # Which products an in-stock filter lets through changes when one sells out or comes back;
    # otherwise only the cards' badges change, and those are checked per product.
    version = versions.available if query.get("in_stock") else versions.catalog
    key = fragments.fragment_key("listing", request, root.pk, query.urlencode(), version=version)
    return fragments.cached_for_products(
        key,
        lambda: render_listing(request, root=root, query=query),
        keep=lambda made: made.is_exact,
    )


def render_listing(request, *, root: Page, query: QueryDict) -> RenderedListing:
    base = products_under(root)
    sizes, colours = cached_facets(request, root, base)
    form = ProductFilterForm(query or None, sizes=sizes, colours=colours)
    filters = form.filters()
    products = sort_products(filter_products(base, filters), filters.get("sort"))
    wanted = fragments.page_number(query)
    page = Paginator(with_availability(products), PER_PAGE).get_page(wanted)
    page.object_list = list(page.object_list)
    stock_versions = stamp_availability(page.object_list)
    with_cards(request, page.object_list, stock_versions)
    without_page = query.copy()
    without_page.pop("page", None)
    is_filtered = any(key != "sort" for key in filters)
    context = {
        "products": page,
        "filter_form": form,
        "sizes": sizes,
        "colours": colours,
        "active_filters": active_filters(query, filters, sizes, colours),
        "filters_query": without_page.urlencode(),
        "is_filtered": is_filtered,
    }
    return RenderedListing(
        html=fragments.render_fragment("catalog/listing.html", context, request),
        page_number=page.number,
        product_count=page.paginator.count,
        is_filtered=is_filtered,
        is_exact=not form.errors and page.number == wanted,
        stock_versions=stock_versions,
    )
