"""Product cards as HTML, each kept in the cache per product, version of the catalog and the
product's stock version: a listing for a query nobody asked for yet (a new filter, a new price
range, the next page) is made of cards already rendered for other listings, and fetches the
pictures of the missing ones only."""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from . import fragments, versions
from .models import ProductPage
from .queries import card_images

# Cards above the fold load their pictures at once, the rest lazily: a card's HTML depends on
# whether it is among the first.
EAGER = 4


def with_cards(request, products: list[ProductPage], stock_versions: dict[int, str]) -> None:
    """Give each of `products` (with `available`, read after `stock_versions`) its `card`: from
    the cache, or rendered now, after one query for the pictures of those not there."""
    keys = {
        product.pk: fragments.fragment_key(
            "card",
            request,
            product.pk,
            stock_versions[product.pk],
            position <= EAGER,
            version=versions.catalog,
        )
        for position, product in enumerate(products, start=1)
    }
    found = fragments.cache.get_many(list(keys.values()))
    missing = [product for product in products if keys[product.pk] not in found]
    if missing:
        prefetch_related_objects(missing, card_images())
        made = {}
        for position, product in enumerate(products, start=1):
            if keys[product.pk] not in found:
                made[keys[product.pk]] = fragments.render_fragment(
                    "includes/product_card.html",
                    {"product": product, "position": position},
                    request,
                )
        fragments.cache.set_many(made, fragments.SECONDS)
        found.update(made)
    for product in products:
        product.card = found[keys[product.pk]]
