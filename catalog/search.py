"""Product search, ranked once for the search page and the API: the products whose SKU is exactly
the query come first, then the others that match its words in their title, summary, description,
categories or SKUs, best match first."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from .models import ProductPage


class RankedProducts:
    """The ids of the live products that match `query`, in rank order. A slice runs the search
    for that slice only, so that a Paginator pages through the matches without loading them all."""

    def __init__(self, query: str):
        live = ProductPage.objects.live().public()
        self.by_sku = list(
            live.filter(variants__sku__iexact=query).values_list("pk", flat=True).distinct()
        )
        self.by_words = live.exclude(pk__in=self.by_sku).search(query, operator="and")

    def count(self) -> int:
        return len(self.by_sku) + self.by_words.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[int]:
        """The ids from `index.start` up to `index.stop` (forward slices, as Paginator takes)."""
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        ids = self.by_sku[start:stop]
        words_start, words_stop = (max(0, end - len(self.by_sku)) for end in (start, stop))
        if words_stop > words_start:
            ids += [product.pk for product in self.by_words[words_start:words_stop]]
        return ids


def in_rank_order(products: QuerySet[ProductPage], ids: list[int]) -> QuerySet[ProductPage]:
    """`products` among `ids`, in the order of `ids`."""
    products = products.filter(pk__in=ids)
    if not ids:
        return products
    rank = Case(
        *[When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)],
        output_field=IntegerField(),
    )
    return products.annotate(rank=rank).order_by("rank")
