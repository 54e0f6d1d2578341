"""Template helpers of the site shell: breadcrumbs and absolute URLs."""

from django import template
from django.conf import settings

from home.store import page_ancestors

register = template.Library()


@register.simple_tag
def breadcrumbs(page):
    """The pages above `page`, below the site root (the home page comes first)."""
    return [ancestor for ancestor in page_ancestors(page) if ancestor.depth > 1]


@register.filter
def absolute(path):
    """A site-relative URL made absolute with SITE_URL, for canonical links and Open Graph."""
    if not path:
        return settings.SITE_URL + "/"
    if str(path).startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + str(path)


@register.simple_tag
def elided_pages(page_obj):
    """Page numbers around the current one, with ellipses: 1 … 4 5 6 … 20."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
