"""Saved pieces: an anonymous shopper's list lives by a key in their session, a signed-in
shopper's is theirs, and the two merge when the shopper signs in (as the basket does).

A piece is a product, in a size and colour if one was chosen, with its price when saved: the
saved page shows today's price beside it, marks a drop, shows the stock of every size and
colour, and moves a piece to the basket in one step. Only live products outside any view
restriction can be saved. Whether a piece is saved shows only on the saved page and in the API,
never on the catalog's cached pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from catalog.images import rendition_prefetch
from catalog.models import Colour, ProductImage, ProductPage, ProductVariant
from catalog.queries import is_public
from checkout import basket as baskets
from checkout.exceptions import BasketError
from checkout.models import Basket, BasketLine

from .models import SavedList, SavedPiece

SESSION_KEY = "saved_list_id"


class SavedError(Exception):
    """A piece that cannot be saved, found or moved; `message` says why and what to do, `field`
    what it is about (product, variant, quantity or piece)."""

    def __init__(self, message: str, *, field: str = "product"):
        self.message, self.field = message, field
        super().__init__(message)


@dataclass
class Piece:
    piece: SavedPiece
    product: ProductPage
    variant: ProductVariant | None  # the size and colour saved, if one was chosen
    options: list[ProductVariant]  # every size and colour of the product, with its stock
    on_sale: bool  # the product is live and public
    image: ProductImage | None = None

    @property
    def pk(self) -> int:
        return self.piece.pk

    @property
    def price(self) -> Decimal:
        """Today's price: the saved size and colour's own, else the product's."""
        return self.variant.unit_price if self.variant else self.product.price

    @property
    def price_when_saved(self) -> Decimal:
        return self.piece.price_when_saved

    @property
    def price_dropped(self) -> bool:
        return self.on_sale and self.price < self.price_when_saved

    @property
    def in_stock(self) -> bool:
        return self.on_sale and any(option.in_stock for option in self.options)

    @property
    def by_colour(self) -> list[tuple[Colour, list[ProductVariant]]]:
        """The options as the saved page shows them: a row of sizes per colour."""
        rows: dict[int, tuple[Colour, list[ProductVariant]]] = {}
        for option in self.options:
            rows.setdefault(option.colour_id, (option.colour, []))[1].append(option)
        return list(rows.values())

    @property
    def chosen(self) -> int | None:
        """The size and colour to offer for the basket: the saved one if it is in stock, else
        the only one in stock."""
        in_stock = [option.pk for option in self.options if option.in_stock]
        if self.variant is not None and self.variant.pk in in_stock:
            return self.variant.pk
        return in_stock[0] if len(in_stock) == 1 else None


@dataclass
class SavedContents:
    saved_list: SavedList | None
    pieces: list[Piece] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.pieces)


# Finding the list -------------------------------------------------------------------------------


def saved_list_for(request, *, create: bool = False) -> SavedList | None:
    """The shopper's saved list: the user's if signed in, else the session's."""
    if request.user.is_authenticated:
        if create:
            return SavedList.objects.get_or_create(user=request.user)[0]
        return SavedList.objects.filter(user=request.user).first()
    list_id = request.session.get(SESSION_KEY)
    saved_list = SavedList.objects.filter(pk=list_id, user=None).first() if list_id else None
    if saved_list is None and create:
        saved_list = SavedList.objects.create()
        request.session[SESSION_KEY] = saved_list.pk
    return saved_list


def contents_of(saved_list: SavedList | None) -> SavedContents:
    """The list's pieces as the shopper sees them now: today's price, every size and colour
    with its stock, the first picture. A fixed number of queries, whatever its length."""
    if saved_list is None:
        return SavedContents(saved_list=None)
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=rendition_prefetch("thumb"))
    )
    pieces = saved_list.pieces.select_related(
        "product", "variant__size", "variant__colour"
    ).prefetch_related(
        Prefetch(
            "product__variants",
            queryset=ProductVariant.objects.select_related("size", "colour").order_by(
                "colour__sort_order", "colour__name", "size__sort_order", "size__name"
            ),
            to_attr="saved_options",
        ),
        Prefetch(
            "product__gallery_images",
            queryset=ProductImage.objects.order_by("sort_order", "pk")
            .select_related("image")
            .prefetch_related(
                Prefetch("image__renditions", queryset=renditions, to_attr="prefetched_renditions")
            ),
            to_attr="saved_images",
        ),
    )
    contents = SavedContents(saved_list=saved_list)
    for piece in pieces:
        product = piece.product
        for variant in [piece.variant, *product.saved_options]:
            if variant is not None:
                variant.product = product  # unit_price without a query per variant
        contents.pieces.append(
            Piece(
                piece=piece,
                product=product,
                variant=piece.variant,
                options=product.saved_options,
                on_sale=product.live and is_public(product),
                image=product.saved_images[0] if product.saved_images else None,
            )
        )
    return contents


# Changing it ------------------------------------------------------------------------------------


def find_product(raw) -> ProductPage:
    try:
        product_id = int(str(raw).strip())
    except (TypeError, ValueError):
        raise SavedError(_("Please choose a piece to save.")) from None
    product = ProductPage.objects.live().public().filter(pk=product_id).first()
    if product is None or not is_public(product):
        raise SavedError(_("That piece is no longer in the shop."))
    return product


def find_option(product: ProductPage, raw) -> ProductVariant:
    """One of the product's sizes and colours, by id."""
    try:
        variant_id = int(str(raw).strip())
    except (TypeError, ValueError):
        variant_id = None
    variant = (
        product.variants.select_related("size", "colour").filter(pk=variant_id).first()
        if variant_id
        else None
    )
    if variant is None:
        raise SavedError(
            _("That size and colour is not sold for %(product)s. Please choose another.")
            % {"product": product.title},
            field="variant",
        )
    variant.product = product
    return variant


def is_given(raw) -> bool:
    return raw is not None and str(raw).strip() != ""


@transaction.atomic
def save(saved_list: SavedList, *, product_id, variant_id=None) -> tuple[SavedPiece, bool]:
    """Save a product, in a size and colour if `variant_id` is given, at today's price; saved
    already, the piece is found and kept as it was (with its first price). Returns the piece
    and whether it is new. Two saves at once (a double click) queue on the list's row."""
    product = find_product(product_id)
    variant = find_option(product, variant_id) if is_given(variant_id) else None
    SavedList.objects.select_for_update().filter(pk=saved_list.pk).first()
    piece = saved_list.pieces.filter(product=product, variant=variant).first()
    if piece is not None:
        return piece, False
    if saved_list.pieces.count() >= settings.SAVED_MAX_PIECES:
        raise SavedError(
            _("You have saved %(count)d pieces, as many as a list holds. Remove some first.")
            % {"count": settings.SAVED_MAX_PIECES}
        )
    piece = SavedPiece.objects.create(
        saved_list=saved_list,
        product=product,
        variant=variant,
        price_when_saved=variant.unit_price if variant else product.price,
    )
    saved_list.save(update_fields=["updated_at"])  # touched: see saved.retention
    return piece, True


def piece_of(saved_list: SavedList | None, piece_id) -> SavedPiece:
    """A piece of this list; another list's piece (or nonsense) is simply not found."""
    try:
        piece_id = int(str(piece_id))
    except (TypeError, ValueError):
        piece_id = None
    piece = (
        saved_list.pieces.select_related("product").filter(pk=piece_id).first()
        if saved_list and piece_id
        else None
    )
    if piece is None:
        raise SavedError(_("That piece is no longer in your saved pieces."), field="piece")
    return piece


def remove(saved_list: SavedList | None, *, piece_id) -> SavedPiece:
    piece = piece_of(saved_list, piece_id)
    piece.delete()
    saved_list.save(update_fields=["updated_at"])
    return piece


@transaction.atomic
def move_to_basket(
    saved_list: SavedList | None, basket: Basket, *, piece_id, variant_id=None, quantity=1
) -> BasketLine:
    """Put a saved piece in the basket, in the size and colour given (else the one it was saved
    in), and take it off the list; the basket's rules (stock, its limit per piece) decide, and
    if they refuse, the piece stays saved."""
    piece = piece_of(saved_list, piece_id)
    if is_given(variant_id):
        variant = find_option(piece.product, variant_id)
    elif piece.variant_id is not None:
        variant = find_option(piece.product, piece.variant_id)
    else:
        raise SavedError(_("Please choose a size and colour."), field="variant")
    try:
        line = baskets.add(basket, variant_id=variant.pk, quantity=quantity)
    except BasketError as error:
        raise SavedError(error.message, field=error.field) from error
    piece.delete()
    saved_list.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def merge(source: SavedList, into: SavedList) -> None:
    """Move an anonymous list's pieces into the signed-in shopper's. A piece on both keeps the
    earlier save (and its price then); the list's limit is kept, the newest pieces first."""
    SavedList.objects.select_for_update().filter(pk=into.pk).first()
    existing = {(p.product_id, p.variant_id): p for p in into.pieces.all()}
    room = settings.SAVED_MAX_PIECES - len(existing)
    for piece in source.pieces.all():
        kept = existing.get((piece.product_id, piece.variant_id))
        if kept is None and room > 0:
            SavedPiece.objects.filter(pk=piece.pk).update(saved_list=into)
            room -= 1
        elif kept is not None and piece.saved_at < kept.saved_at:
            kept.price_when_saved, kept.saved_at = piece.price_when_saved, piece.saved_at
            kept.save(update_fields=["price_when_saved", "saved_at"])
    source.delete()
    into.save(update_fields=["updated_at"])


def merge_on_sign_in(request, user) -> None:
    """Called when a shopper signs in: the session's saved pieces join theirs."""
    list_id = request.session.pop(SESSION_KEY, None)
    anonymous = SavedList.objects.filter(pk=list_id, user=None).first() if list_id else None
    if anonymous is not None and anonymous.pieces.exists():
        merge(anonymous, SavedList.objects.get_or_create(user=user)[0])
    elif anonymous is not None:
        anonymous.delete()
