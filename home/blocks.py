"""The blocks editors build home and landing pages from. Each block has its own template under
`templates/blocks/` and a preview value for Wagtail's block previews."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock

from catalog.blocks import ProductChooserBlock
from catalog.models import CategoryPage, ProductPage
from catalog.queries import with_card_data
from storefront.blocks import OptionalLinkBlock


class LatestImagePreviewMixin:
    """Block previews show the newest image of the library, so they look like the real thing."""

    image_fields: tuple[str, ...] = ("image",)

    def get_preview_value(self):
        value = super().get_preview_value()
        image = get_image_model().objects.order_by("-created_at").first()
        for name in self.image_fields:
            value[name] = image
        return value


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


class ChosenPagesBlock(blocks.StructBlock):
    """A heading over pages the editor chose (the list block named `pages`), shown in the
    editor's order, live and public ones only, read in a fixed number of queries."""

    pages = "pages"

    def shown_pages(self) -> QuerySet:
        """The pages that may show, with what their template needs."""
        raise NotImplementedError

    def preview_pages(self) -> QuerySet:
        raise NotImplementedError

    def get_preview_value(self):
        value = super().get_preview_value()
        value[self.pages] = list(self.preview_pages())
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        chosen = [page.pk for page in value[self.pages] if page]
        found = self.shown_pages().in_bulk(chosen)
        context[self.pages] = [found[pk] for pk in chosen if pk in found]
        return context


class ProductPicksBlock(ChosenPagesBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=80)
    products = blocks.ListBlock(
        ProductChooserBlock(label=_("Product")),
        label=_("Products"),
        min_num=1,
        max_num=12,
    )
    pages = "products"

    class Meta:
        icon = "tag"
        template = "blocks/product_picks_block.html"
        description = _("A row of hand-picked products")
        preview_value = {"heading": "Editor's picks"}

    def shown_pages(self) -> QuerySet:
        return with_card_data(ProductPage.objects.live().public())

    def preview_pages(self) -> QuerySet:
        return ProductPage.objects.live().order_by("-featured", "-pk")[:4]


class CategoryTilesBlock(ChosenPagesBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=80, required=False)
    categories = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="catalog.CategoryPage"),
        label=_("Categories"),
        min_num=1,
        max_num=8,
    )
    pages = "categories"

    class Meta:
        icon = "folder-open-inverse"
        template = "blocks/category_tiles_block.html"
        description = _("Tiles that lead to categories")
        preview_value = {"heading": "Shop by category"}

    def shown_pages(self) -> QuerySet:
        return CategoryPage.objects.live().public().select_related("image")

    def preview_pages(self) -> QuerySet:
        return CategoryPage.objects.live().filter(depth=4)[:4]


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
