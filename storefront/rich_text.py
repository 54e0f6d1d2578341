"""Rich text's links to pages, as shoppers get them (registered in `wagtail_hooks`)."""

from __future__ import annotations

from django.utils.html import escape
from wagtail.rich_text.pages import PageLinkHandler


class LivePageLinkHandler(PageLinkHandler):
    """Links to pages with no `href` until the page is live (as Wagtail leaves a link to a page
    that was deleted), so that no shopper follows one to a 404 (`page_links`)."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return [
            f'<a href="{escape(page.localized.url)}">' if page and page.live else "<a>"
            for page in cls.get_many(attrs_list)
        ]
