"""Factories for the catalog. Pages are made the Wagtail way, as children of a parent page."""

from __future__ import annotations

import io
from decimal import Decimal

import factory
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from catalog.models import (
    CategoryPage,
    Colour,
    ProductImage,
    ProductPage,
    ProductVariant,
    ShopIndexPage,
    Size,
    SizeGuide,
    StockAlert,
)


def jpeg_bytes(width: int = 400, height: int = 500, colour=(180, 90, 60)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_image_model()

    title = factory.Sequence(lambda n: f"Photo {n}")
    file = factory.LazyAttribute(
        lambda o: ImageFile(
            io.BytesIO(jpeg_bytes()), name=f"{o.title.lower().replace(' ', '-')}.jpg"
        )
    )


class SizeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Size
        django_get_or_create = ("name",)

    name = factory.Iterator(["XS", "S", "M", "L", "XL"])
    sort_order = factory.Sequence(int)


class ColourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Colour
        django_get_or_create = ("name",)

    name = factory.Iterator(["Black", "Ivory", "Navy", "Sage"])
    swatch = "#1C1C1C"
    sort_order = factory.Sequence(int)


class SizeGuideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SizeGuide

    title = factory.Sequence(lambda n: f"Size guide {n}")
    body = factory.LazyFunction(lambda: [("text", "<p>Measure at the fullest point.</p>")])


class PageFactory(factory.django.DjangoModelFactory):
    """Adds the page under `parent` (required), live, as an editor's publish would leave it."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            raise ValueError(f"{cls.__name__} needs parent=<page>.")
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        return page


class ShopIndexPageFactory(PageFactory):
    class Meta:
        model = ShopIndexPage

    title = "Shop"
    slug = "shop"


class CategoryPageFactory(PageFactory):
    class Meta:
        model = CategoryPage

    title = factory.Sequence(lambda n: f"Category {n}")


class ProductPageFactory(PageFactory):
    """A live product with a gallery image; `stock={("M", "Black"): 3, ...}` gives it a variant
    per size and colour (found or made by name) with that many pieces. Without `stock` it is
    sold in nothing yet."""

    class Meta:
        model = ProductPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Linen Dress {n}")
    summary = "A relaxed linen dress."
    description = "<p>Cut from washed linen.</p>"
    price = Decimal("100.00")

    @factory.post_generation
    def image(self, create, extracted, **kwargs):
        """`image=<Image>` adds it as the first gallery image; by default a new one is made."""
        if not create or extracted is False:
            return
        ProductImage.objects.create(
            product=self,
            image=extracted or ImageFactory(),
            alt_text=f"{self.title}, front",
            sort_order=0,
        )

    @factory.post_generation
    def stock(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for (size, colour), pieces in extracted.items():
            VariantFactory(
                product=self,
                size=SizeFactory(name=size),
                colour=ColourFactory(name=colour),
                stock=pieces,
            )


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = None
    size = factory.SubFactory(SizeFactory)
    colour = factory.SubFactory(ColourFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    stock = 5


class StockAlertFactory(factory.django.DjangoModelFactory):
    """A confirmed alert (waiting) for `variant=` (required), by a guest unless `user=` is given;
    `status=StockAlert.Status.PENDING` for one not confirmed yet."""

    class Meta:
        model = StockAlert

    variant = None
    user = None
    email = factory.LazyAttributeSequence(
        lambda o, n: o.user.email if o.user else f"waiting{n}@example.com"
    )
    mailbox = factory.LazyAttribute(lambda o: o.email.lower())
    status = StockAlert.Status.WAITING
    confirmed_at = factory.LazyAttribute(
        lambda o: None if o.status == StockAlert.Status.PENDING else timezone.now()
    )
