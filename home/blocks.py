"""The blocks editors build home and landing pages from. Each block has its own template under
`templates/blocks/` and a preview value for Wagtail's block previews."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock


class LatestImagePreviewMixin:
    """Block previews show the newest image of the library, so they look like the real thing."""

    image_fields: tuple[str, ...] = ("image",)

    def get_preview_value(self):
        value = super().get_preview_value()
        image = get_image_model().objects.order_by("-created_at").first()
        for name in self.image_fields:
            value[name] = image
        return value


class LinkValue(blocks.StructValue):
    def url(self) -> str:
        page = self.get("page")
        if page:
            return page.url or ""
        return self.get("link_url") or ""


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    link_url = blocks.URLBlock(label=_("or URL"), required=False)

    class Meta:
        icon = "link"
        value_class = LinkValue
        template = "blocks/link_block.html"
        preview_value = {"label": "Shop the collection", "link_url": "https://example.com/shop/"}
        label_format = "{label}"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("link_url")):
            raise StructBlockValidationError(
                block_errors={
                    "page": ValidationError(_("Choose a page or enter a URL, but not both."))
                }
            )
        return value


class OptionalLinkBlock(LinkBlock):
    """A call to action that may be left out altogether."""

    label = blocks.CharBlock(label=_("Label"), max_length=60, required=False)

    def clean(self, value):
        if not (value.get("label") or value.get("page") or value.get("link_url")):
            return blocks.StructBlock.clean(self, value)
        return super().clean(value)


class HeroBlock(LatestImagePreviewMixin, blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    image_alt = blocks.CharBlock(
        label=_("Image alt text"),
        max_length=200,
        help_text=_("What the image shows, for shoppers who cannot see it."),
    )
    heading = blocks.CharBlock(label=_("Heading"), max_length=80)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=240)
    call_to_action = OptionalLinkBlock(label=_("Call to action"), required=False)

    class Meta:
        icon = "image"
        template = "blocks/hero_block.html"
        description = _("A full-width image with a heading and a call to action")
        preview_value = {
            "image_alt": "A model in a linen summer dress",
            "heading": "Summer, unhurried",
            "text": "Light linens and easy silhouettes for long days.",
            "call_to_action": {"label": "Shop dresses", "link_url": "https://example.com/"},
        }


class TextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "doc-full"
        template = "blocks/text_block.html"
        preview_value = (
            "<h2>Made to be worn</h2><p>Every piece is cut from fabrics we would choose "
            "for ourselves, in sizes that fit real people.</p>"
        )

    def __init__(self, **kwargs):
        kwargs.setdefault("features", ["h2", "h3", "bold", "italic", "link", "ul", "ol"])
        super().__init__(**kwargs)


class ProductPicksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=80)
    products = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="catalog.ProductPage"),
        label=_("Products"),
        min_num=1,
        max_num=12,
    )

    class Meta:
        icon = "tag"
        template = "blocks/product_picks_block.html"
        description = _("A row of hand-picked products")
        preview_value = {"heading": "Editor's picks"}

    def get_preview_value(self):
        from catalog.models import ProductPage

        value = super().get_preview_value()
        value["products"] = list(ProductPage.objects.live().order_by("-featured", "-pk")[:4])
        return value

    def get_context(self, value, parent_context=None):
        from catalog.listing import with_card_data
        from catalog.models import ProductPage

        context = super().get_context(value, parent_context=parent_context)
        chosen = [page.pk for page in value["products"] if page]
        # Re-read the picks with their card data in three queries, keeping the editor's order.
        cards = with_card_data(ProductPage.objects.live().public().filter(pk__in=chosen)).in_bulk()
        context["products"] = [cards[pk] for pk in chosen if pk in cards]
        return context


class CategoryTilesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=80, required=False)
    categories = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="catalog.CategoryPage"),
        label=_("Categories"),
        min_num=1,
        max_num=8,
    )

    class Meta:
        icon = "folder-open-inverse"
        template = "blocks/category_tiles_block.html"
        description = _("Tiles that lead to categories")
        preview_value = {"heading": "Shop by category"}

    def get_preview_value(self):
        from catalog.models import CategoryPage

        value = super().get_preview_value()
        value["categories"] = list(CategoryPage.objects.live().filter(depth=4)[:4])
        return value

    def get_context(self, value, parent_context=None):
        from catalog.models import CategoryPage

        context = super().get_context(value, parent_context=parent_context)
        chosen = [page.pk for page in value["categories"] if page]
        tiles = CategoryPage.objects.live().select_related("image").in_bulk(chosen)
        context["categories"] = [tiles[pk] for pk in chosen if pk in tiles]
        return context


class PromoBannerBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=140)
    link = OptionalLinkBlock(label=_("Link"), required=False)
    theme = blocks.ChoiceBlock(
        label=_("Theme"),
        choices=[("accent", _("Accent")), ("dark", _("Dark")), ("light", _("Light"))],
        default="accent",
    )

    class Meta:
        icon = "pick"
        template = "blocks/promo_banner_block.html"
        description = _("A short message on a coloured band")
        preview_value = {
            "text": "Free shipping on orders over $100",
            "link": {"label": "See the details", "link_url": "https://example.com/"},
            "theme": "accent",
        }


class ImageWithTextBlock(LatestImagePreviewMixin, blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    image_alt = blocks.CharBlock(label=_("Image alt text"), max_length=200)
    heading = blocks.CharBlock(label=_("Heading"), max_length=80)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ul"])
    link = OptionalLinkBlock(label=_("Link"), required=False)
    image_position = blocks.ChoiceBlock(
        label=_("Image position"),
        choices=[("left", _("Left")), ("right", _("Right"))],
        default="left",
    )

    class Meta:
        icon = "image"
        template = "blocks/image_with_text_block.html"
        description = _("An image beside a heading and text")
        preview_value = {
            "image_alt": "Folded knitwear on a wooden table",
            "heading": "Knitwear that lasts",
            "text": "<p>Merino and cotton blends, knitted to keep their shape.</p>",
            "image_position": "left",
        }


class PageBodyBlock(blocks.StreamBlock):
    hero = HeroBlock()
    text = TextBlock()
    product_picks = ProductPicksBlock()
    category_tiles = CategoryTilesBlock()
    promo_banner = PromoBannerBlock()
    image_with_text = ImageWithTextBlock()


class FooterColumnBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=40)
    links = blocks.ListBlock(LinkBlock(), label=_("Links"))

    class Meta:
        icon = "list-ul"
        label_format = "{heading}"


class SocialLinkBlock(blocks.StructBlock):
    network = blocks.ChoiceBlock(
        label=_("Network"),
        choices=[
            ("instagram", "Instagram"),
            ("facebook", "Facebook"),
            ("pinterest", "Pinterest"),
            ("tiktok", "TikTok"),
            ("youtube", "YouTube"),
            ("x", "X"),
        ],
    )
    url = blocks.URLBlock(label=_("URL"))

    class Meta:
        icon = "site"
        label_format = "{network}"
