"""Blocks the store's settings are made of (footer columns, social links), and the link block
that page blocks use for their calls to action."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from .page_links import url_if_live


class LinkValue(blocks.StructValue):
    def url(self) -> str:
        """Where the link leads; nothing for a page that is not live yet (`page_links`)."""
        page = self.get("page")
        if page:
            return url_if_live(page)
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
