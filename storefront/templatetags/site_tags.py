"""Template helpers every page uses: breadcrumbs, absolute URLs and pagination."""

from django import template
from wagtail.models import Page

from storefront.links import absolute_url

register = template.Library()


@register.simple_tag
def breadcrumbs(page: Page) -> list[Page]:
    """The pages above `page`, below the site root (the home page comes first). The home page's
    router already fetched them (`route_ancestors`); previews ask the database."""
    ancestors = getattr(page, "route_ancestors", None)
    if ancestors is None:
        ancestors = list(page.get_ancestors().filter(depth__gt=1))
    return [ancestor for ancestor in ancestors if ancestor.depth > 1]


@register.filter
def absolute(path):
    """`{{ page.url|absolute }}`: the URL on SITE_URL, for canonical links and Open Graph."""
    return absolute_url(path)


@register.simple_tag(takes_context=True)
def absolute_page_url(context, page: Page) -> str:
    """`{% absolute_page_url page %}`: `page.url|absolute`, with the site's root paths read once
    per request (`page.url` reads them from the cache each time it is asked)."""
    return absolute_url(page.get_url(context.get("request")))


@register.simple_tag
def elided_pages(page_obj):
    """Page numbers around the current one, with ellipses: 1 … 4 5 6 … 20."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
