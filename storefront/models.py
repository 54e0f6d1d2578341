"""The store's own settings: its name, the announcement bar, footer and social links."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField

from .blocks import FooterColumnBlock, SocialLinkBlock


@register_setting(icon="cog")
class StoreSettings(BaseGenericSetting):
    store_name = models.CharField(_("store name"), max_length=60, default="The Dress Store")
    announcement = models.CharField(
        _("announcement"),
        max_length=140,
        blank=True,
        help_text=_("A line above the header on every page, such as a sale or shipping offer."),
    )
    announcement_link = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("announcement link"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    footer_columns = StreamField(
        [("column", FooterColumnBlock())], verbose_name=_("footer links"), blank=True
    )
    social_links = StreamField(
        [("link", SocialLinkBlock())], verbose_name=_("social links"), blank=True
    )

    panels = [
        FieldPanel("store_name"),
        MultiFieldPanel(
            [FieldPanel("announcement"), FieldPanel("announcement_link")],
            heading=_("Announcement bar"),
        ),
        FieldPanel("footer_columns"),
        FieldPanel("social_links"),
    ]

    class Meta:
        verbose_name = _("store settings")
