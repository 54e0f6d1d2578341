"""Factories for saved pieces."""

from __future__ import annotations

import factory

from saved.models import SavedList, SavedPiece


class SavedListFactory(factory.django.DjangoModelFactory):
    """An anonymous list unless `user=` is given; `pieces=[product or variant, ...]` fills it,
    each saved at today's price."""

    class Meta:
        model = SavedList
        skip_postgeneration_save = True

    user = None

    @factory.post_generation
    def pieces(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for thing in extracted:
            SavedPieceFactory(saved_list=self, **piece_of(thing))


def piece_of(thing) -> dict:
    """A product or a variant, as a saved piece's fields."""
    if hasattr(thing, "product_id"):  # a variant
        return {"product": thing.product, "variant": thing}
    return {"product": thing}


class SavedPieceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedPiece

    saved_list = factory.SubFactory(SavedListFactory)
    product = None
    variant = None
    price_when_saved = factory.LazyAttribute(
        lambda o: o.variant.unit_price if o.variant else o.product.price
    )
