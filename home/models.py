"""The home page and campaign landing pages, built by editors from the blocks in `blocks.py`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import PageBodyBlock


class HomePage(Page):
    body = StreamField(PageBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["catalog.ShopIndexPage", "home.LandingPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Find the page for a path in one query for the whole chain of pages, instead of two
        queries per level (a child by slug, then its specific object).

        Equivalent to Wagtail's walk as long as no page below overrides `route` (none does here);
        paths that match no page fall back to that walk, so a routable page would still work.
        """
        if not path_components:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "/".join(path_components[:depth]) + "/"
            for depth in range(1, len(path_components) + 1)
        ]
        chain = {page.url_path: page for page in Page.objects.filter(url_path__in=prefixes)}
        if len(chain) != len(prefixes):
            return super().route(request, path_components)
        pages = [chain[prefix] for prefix in prefixes]
        target = pages[-1].specific
        target.route_ancestors = [self, *pages[:-1]]
        target._cached_parent_obj = pages[-2] if len(pages) > 1 else self
        return target.route(request, [])


class LandingPage(Page):
    """A campaign page: scheduled, previewed and moderated like any Wagtail page."""

    body = StreamField(PageBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("landing page")
