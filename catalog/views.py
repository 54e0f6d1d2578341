"""Product search at /search/?q=."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import canonical, fragments, versions
from .listing import PER_PAGE
from .models import CategoryPage, ProductPage
from .queries import stamp_availability, with_card_data
from .search import RankedProducts, in_rank_order


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search products"),
        max_length=100,
        required=False,
        error_messages={
            "max_length": _("Please shorten your search to %(limit_value)d characters.")
        },
    )


@dataclass(frozen=True)
class RenderedResults:
    html: SafeString
    count: int
    is_exact: bool = True  # False for a page past the last: shown, but not kept
    stock_versions: dict[int, str] = field(default_factory=dict)


@require_GET
def search(request):
    if redirect := canonical.without_strays(request, canonical.SEARCH_PARAMETERS):
        return redirect
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = None
    if query:
        page = fragments.page_number(fragments.understood(request.GET, ["page"]))
        key = fragments.fragment_key("search", request, query, page, version=versions.catalog)
        results = fragments.cached_for_products(
            key, lambda: render_results(request, query, page), keep=lambda made: made.is_exact
        )
    context = {"form": form, "query": query, "results": results}
    if not results or not results.count:
        context["suggested_categories"] = (
            CategoryPage.objects.live().public().filter(depth=4).order_by("path")[:8]
        )
    return render(request, "catalog/search.html", context)


def render_results(request, query: str, page_number: int) -> RenderedResults:
    page = Paginator(RankedProducts(query), PER_PAGE).get_page(page_number)
    products = list(with_card_data(in_rank_order(ProductPage.objects.all(), page.object_list)))
    stock_versions = stamp_availability(products)
    context = {
        "query": query,
        "results": page,
        "products": products,
        "result_count": page.paginator.count,
        "pagination_query": urlencode({"q": query}),
    }
    return RenderedResults(
        html=fragments.render_fragment("catalog/includes/search_results.html", context, request),
        count=len(products),
        is_exact=page.number == page_number,
        stock_versions=stock_versions,
    )
