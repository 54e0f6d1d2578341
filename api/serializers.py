"""What the API reads and writes. Input serializers only parse; prices are never read from a
client. Output is built from the same objects the HTML pages show."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import COUNTRIES
from accounts.validators import validate_phone
from catalog.alerts import chosen_url
from catalog.forms import SORT_CHOICES
from catalog.images import FILTERS
from catalog.models import CategoryPage, ProductPage, ProductVariant, StockAlert
from checkout.basket import QUANTITY_MESSAGES, max_per_piece
from checkout.models import Order, OrderLine, OrderStatusChange
from checkout.pricing import EXPRESS, STANDARD

# The basket pages' own messages, for DRF's reasons to refuse a quantity.
QUANTITY_ERRORS = {**QUANTITY_MESSAGES, "max_string_length": QUANTITY_MESSAGES["invalid"]}


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


# Catalog ---------------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = CategoryPage
        fields = ["id", "title", "slug", "url", "parent"]

    def get_url(self, category) -> str:
        return absolute(category.url or "")

    @extend_schema_field(
        {"type": "integer", "nullable": True, "description": "The parent category's id."}
    )
    def get_parent(self, category) -> int | None:
        return self.context.get("parents", {}).get(category.pk)


class SizeSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class ColourSerializer(SizeSerializer):
    swatch = serializers.CharField(help_text="A hex colour such as #1A2B3C.")


class VariantSerializer(serializers.ModelSerializer):
    size = SizeSerializer()
    colour = ColourSerializer()
    price = serializers.DecimalField(source="unit_price", max_digits=10, decimal_places=2)
    in_stock = serializers.BooleanField()
    max_quantity = serializers.SerializerMethodField(help_text="The most that can be added now.")

    class Meta:
        model = ProductVariant
        fields = ["id", "sku", "size", "colour", "price", "in_stock", "max_quantity"]

    def get_max_quantity(self, variant) -> int:
        return max(0, min(variant.stock, max_per_piece()))


class RenditionSetSerializer(serializers.Serializer):
    """One picture size in three formats, each at 1x and 2x."""

    width = serializers.IntegerField()
    height = serializers.IntegerField()
    avif = serializers.ListField(child=serializers.URLField())
    webp = serializers.ListField(child=serializers.URLField())
    jpeg = serializers.ListField(child=serializers.URLField())


class ImageSerializer(serializers.Serializer):
    """A picture in the sizes the context asks for (`image_sizes`), the others null: listings
    give `card`, product details `card` and `large`, the basket `thumb`, each from renditions
    that were prefetched for it."""

    alt = serializers.CharField(source="alt_text")
    thumb = serializers.SerializerMethodField()
    card = serializers.SerializerMethodField()
    large = serializers.SerializerMethodField()

    def renditions(self, item, size: str) -> dict | None:
        if size not in self.context.get("image_sizes", ("card",)):
            return None
        filters = FILTERS[size]
        renditions = item.image.get_renditions(*filters)
        by_format: dict[str, list[str]] = {"avif": [], "webp": [], "jpeg": []}
        for f in filters:
            by_format[f.spec.rsplit("format-", 1)[1]].append(absolute(renditions[f.spec].url))
        first = renditions[filters[0].spec]
        return {"width": first.width, "height": first.height, **by_format}

    @extend_schema_field(RenditionSetSerializer(allow_null=True))
    def get_thumb(self, item) -> dict | None:
        return self.renditions(item, "thumb")

    @extend_schema_field(RenditionSetSerializer(allow_null=True))
    def get_card(self, item) -> dict | None:
        return self.renditions(item, "card")

    @extend_schema_field(RenditionSetSerializer(allow_null=True))
    def get_large(self, item) -> dict | None:
        return self.renditions(item, "product")


class ProductSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    currency = serializers.SerializerMethodField()
    on_sale = serializers.BooleanField()
    in_stock = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    variants = VariantSerializer(many=True, source="api_variants")

    class Meta:
        model = ProductPage
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "summary",
            "price",
            "compare_at_price",
            "currency",
            "on_sale",
            "in_stock",
            "image",
            "variants",
        ]

    def get_url(self, product) -> str:
        return absolute(product.get_url(self.context.get("request")) or "")

    def get_currency(self, product) -> str:
        return settings.STORE_CURRENCY

    def get_in_stock(self, product) -> bool:
        return any(variant.stock > 0 for variant in product.api_variants)

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, product) -> dict | None:
        images = getattr(product, "card_images", None) or list(product.gallery_images.all()[:1])
        return ImageSerializer(images[0], context=self.context).data if images else None


class ProductDetailSerializer(ProductSerializer):
    description = serializers.CharField(help_text="HTML.")
    images = serializers.SerializerMethodField()
    size_guide = serializers.SerializerMethodField()

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "description", "images", "size_guide"]

    @extend_schema_field(ImageSerializer(many=True))
    def get_images(self, product) -> list:
        context = {**self.context, "image_sizes": ("card", "product")}
        return ImageSerializer(product.gallery_images.all(), many=True, context=context).data

    @extend_schema_field({"type": "string", "nullable": True})
    def get_size_guide(self, product) -> str | None:
        return product.size_guide.title if product.size_guide else None


class ProductQuerySerializer(serializers.Serializer):
    """The product list's query string, checked before anything is looked up."""

    category = serializers.IntegerField(
        required=False, min_value=1, help_text="A category's id: its whole subtree."
    )
    size = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text="Size slugs, e.g. size=m&size=l."
    )
    colour = serializers.ListField(child=serializers.SlugField(), required=False)
    min_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False
    )
    max_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False
    )
    in_stock = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(
        required=False, max_length=100, allow_blank=True, help_text="Search words or a SKU."
    )
    ordering = serializers.ChoiceField(
        choices=[code for code, _label in SORT_CHOICES], required=False
    )

    def validate(self, data):
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"max_price": [_("The highest price must not be below the lowest price.")]}
            )
        return data


# Basket ----------------------------------------------------------------------------------------


class BasketLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    variant = VariantSerializer()
    product_id = serializers.IntegerField(source="variant.product_id")
    product_title = serializers.CharField(source="variant.product.title")
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    line_total = serializers.DecimalField(max_digits=10, decimal_places=2)
    available = serializers.BooleanField(
        help_text="False when it sold out or ran short since it was added."
    )
    image = serializers.SerializerMethodField()

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, line) -> dict | None:
        if line.image is None:
            return None
        return ImageSerializer(line.image, context={**self.context, "image_sizes": ("thumb",)}).data


class BasketSerializer(serializers.Serializer):
    lines = BasketLineSerializer(many=True)
    count = serializers.IntegerField()
    subtotal = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.SerializerMethodField()
    can_check_out = serializers.BooleanField()

    def get_currency(self, basket) -> str:
        return settings.STORE_CURRENCY


class QuantityField(serializers.IntegerField):
    """A basket quantity: at least 1, at most the basket's limit per piece as it is set now."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, error_messages=QUANTITY_ERRORS, **kwargs)

    def to_internal_value(self, data):
        quantity = super().to_internal_value(data)
        if quantity > max_per_piece():
            self.fail("max_value")
        return quantity


class AddLineSerializer(serializers.Serializer):
    variant = serializers.IntegerField(
        min_value=1, error_messages={"invalid": gettext_lazy("Please choose a size and colour.")}
    )
    quantity = QuantityField(default=1)


class ChangeLineSerializer(serializers.Serializer):
    quantity = QuantityField()


# Checkout and orders ------------------------------------------------------------------------------


class AddressSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=120)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=20)
    country = serializers.ChoiceField(choices=COUNTRIES)
    phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", validators=[validate_phone]
    )


class CheckoutSerializer(serializers.Serializer):
    email = serializers.EmailField(
        required=False, help_text="Required for guests; a signed-in caller's is their account's."
    )
    address = AddressSerializer()
    shipping_method = serializers.ChoiceField(choices=[STANDARD, EXPRESS], default=STANDARD)
    discount_code = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )


class CheckoutStartedSerializer(serializers.Serializer):
    order = serializers.CharField(help_text="The order's number.")
    total = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    checkout_url = serializers.URLField(help_text="Send the shopper here to pay (Stripe Checkout).")


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = [
            "id",
            "product_title",
            "size",
            "colour",
            "sku",
            "unit_price",
            "quantity",
            "line_total",
        ]


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderStatusChange
        fields = ["kind", "from_status", "to_status", "note", "at"]


class OrderSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True)
    history = StatusChangeSerializer(many=True, source="status_changes")
    shipping_address = serializers.ListField(child=serializers.CharField(), source="address_lines")

    class Meta:
        model = Order
        fields = [
            "number",
            "payment_status",
            "fulfilment_status",
            "email",
            "currency",
            "subtotal",
            "discount_total",
            "shipping_total",
            "total",
            "refunded_total",
            "shipping_label",
            "shipping_address",
            "tracking_number",
            "created_at",
            "paid_at",
            "shipped_at",
            "lines",
            "history",
        ]


# Back in stock -----------------------------------------------------------------------------------


class StockAlertSerializer(serializers.ModelSerializer):
    variant = serializers.IntegerField(source="variant_id")
    sku = serializers.CharField(source="variant.sku")
    size = SizeSerializer(source="variant.size")
    colour = ColourSerializer(source="variant.colour")
    product_id = serializers.IntegerField(source="variant.product_id")
    product_title = serializers.CharField(source="variant.product.title")
    product_url = serializers.SerializerMethodField(
        help_text="The product's page with this size and colour chosen."
    )

    class Meta:
        model = StockAlert
        fields = [
            "id",
            "variant",
            "sku",
            "size",
            "colour",
            "product_id",
            "product_title",
            "product_url",
            "status",
            "email",
            "created_at",
            "confirmed_at",
        ]

    def get_product_url(self, alert) -> str:
        return absolute(chosen_url(alert.variant))


class AlertRequestSerializer(serializers.Serializer):
    variant = serializers.IntegerField(
        min_value=1,
        help_text="A sold-out variant's id.",
        error_messages={"invalid": gettext_lazy("Please choose a size and colour.")},
    )
    email = serializers.EmailField(
        required=False,
        help_text="Required for guests, who confirm it by the link we mail to it; a signed-in "
        "caller's alert goes to their account's address.",
    )


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What happens next, as a sentence.")


# Saved pieces ------------------------------------------------------------------------------------


class SavedPieceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    product_id = serializers.IntegerField(source="product.pk")
    product_title = serializers.CharField(source="product.title")
    product_url = serializers.SerializerMethodField()
    variant = VariantSerializer(allow_null=True, help_text="The size and colour saved, if any.")
    price = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="Today's price.")
    price_when_saved = serializers.DecimalField(max_digits=10, decimal_places=2)
    price_dropped = serializers.BooleanField(help_text="Cheaper now than when it was saved.")
    currency = serializers.SerializerMethodField()
    on_sale = serializers.BooleanField(help_text="False when the product left the shop.")
    in_stock = serializers.BooleanField(help_text="Some size and colour of it is in stock.")
    options = VariantSerializer(many=True, help_text="Every size and colour, with its stock.")
    image = serializers.SerializerMethodField()
    saved_at = serializers.DateTimeField(source="piece.saved_at")

    def get_product_url(self, piece) -> str:
        return absolute(piece.product.get_url(self.context.get("request")) or "")

    def get_currency(self, piece) -> str:
        return settings.STORE_CURRENCY

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, piece) -> dict | None:
        if piece.image is None:
            return None
        context = {**self.context, "image_sizes": ("thumb",)}
        return ImageSerializer(piece.image, context=context).data


class SavedListSerializer(serializers.Serializer):
    pieces = SavedPieceSerializer(many=True)
    count = serializers.IntegerField()


class SavePieceSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, help_text="A live product's id.")
    variant = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="One of its variants, to save that size and colour.",
    )


class MoveToBasketSerializer(serializers.Serializer):
    variant = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="The size and colour to buy; by default the one saved.",
    )
    quantity = QuantityField(default=1)


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
