"""Links that editors make to the store's own pages, from its settings (the announcement, footer
links) and from page blocks and rich text: a link to a page that is not live (a draft, a page
scheduled to go live) is left out for shoppers, who would otherwise reach a 404, and shown once
the page goes live (rich text's links: `rich_text`); meanwhile the editor who saves one is told
(`wagtail_hooks`).

The header and footer are cached (`shell`), and so are page bodies (under the catalog's
version): publishing a page, by hand or on schedule, throws both away, so the link shows on the
next view."""

from __future__ import annotations

from django.db import models
from django.utils.translation import ngettext
from wagtail.models import Page


def url_if_live(page: Page | None) -> str:
    """The page's URL while it is live; nothing otherwise."""
    if page is None or not page.live:
        return ""
    return page.url or ""


def pages_not_live(instance: models.Model) -> list[Page]:
    """The pages that `instance` links to, by a foreign key of its own or from a StreamField or
    rich text, and that are not live: in the order it links them, each once."""
    linked = []
    for field in type(instance)._meta.local_fields:
        value = field.value_from_object(instance)
        if hasattr(field, "extract_references"):
            linked += [
                object_id
                for model, object_id, _, _ in field.extract_references(value)
                if issubclass(model, Page)
            ]
        elif field.many_to_one and issubclass(field.related_model, Page) and value:
            linked.append(value)
    ids = list(dict.fromkeys(int(pk) for pk in linked if str(pk).isdigit()))
    found = Page.objects.filter(pk__in=ids, live=False).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def not_live_warning(instance: models.Model) -> str:
    """What to tell the editor who saved `instance`, when it links to pages not live yet."""
    pages = pages_not_live(instance)
    if not pages:
        return ""
    named = ", ".join(f"“{page.title}” ({page.status_string})" for page in pages)
    return ngettext(
        "Shoppers will not see the link to %(pages)s until that page is live.",
        "Shoppers will not see the links to %(pages)s until those pages are live.",
        len(pages),
    ) % {"pages": named}
