"""Product search at /search/?q=."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import fragments
from .listing import PER_PAGE
from .models import CategoryPage, ProductPage
from .queries import with_card_data


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search products"),
        max_length=100,
        required=False,
        error_messages={
            "max_length": _("Please shorten your search to %(limit_value)d characters.")
        },
    )


def search_products(query: str):
    """Live products matching `query` in their title, summary, description, categories or
    SKUs, best first. A query that is exactly a SKU puts that product first."""
    products = ProductPage.objects.live().public()
    by_sku = list(
        products.filter(variants__sku__iexact=query).values_list("pk", flat=True).distinct()
    )
    matches = products.search(query, operator="and")
    return by_sku, matches


@dataclass(frozen=True)
class RenderedResults:
    html: SafeString
    count: int


@require_GET
def search(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = None
    if query:
        key = fragments.fragment_key("search", request, query, request.GET.get("page"))
        results = fragments.cached(key, lambda: render_results(request, query))
    context = {"form": form, "query": query, "results": results}
    if not results or not results.count:
        context["suggested_categories"] = (
            CategoryPage.objects.live().public().filter(depth=4).order_by("path")[:8]
        )
    return render(request, "catalog/search.html", context)


def render_results(request, query: str) -> RenderedResults:
    by_sku, matches = search_products(query)
    page = Paginator(matches, PER_PAGE).get_page(request.GET.get("page"))
    ids = [product.pk for product in page.object_list]
    if page.number == 1:
        ids = by_sku + [pk for pk in ids if pk not in by_sku]
    cards = with_card_data(ProductPage.objects.filter(pk__in=ids)).in_bulk()
    products = [cards[pk] for pk in ids if pk in cards]
    context = {
        "query": query,
        "results": page,
        "products": products,
        "result_count": max(page.paginator.count, len(by_sku)),
        "pagination_query": urlencode({"q": query}),
    }
    return RenderedResults(
        html=fragments.render_fragment("catalog/includes/search_results.html", context, request),
        count=len(products),
    )
