"""The storefront's part in the Wagtail admin: rich text links to pages that are not live are
left out for shoppers, and an editor who saves a link to one is told (`page_links`)."""

from __future__ import annotations

from django.contrib import messages
from wagtail import hooks

from .page_links import not_live_warning
from .rich_text import LivePageLinkHandler


@hooks.register("register_rich_text_features", order=1)  # after Wagtail's own page links
def link_pages_once_live(features):
    features.register_link_type(LivePageLinkHandler)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
@hooks.register("after_edit_setting")
def warn_of_links_to_pages_not_live(request, instance):
    # Not on autosaves (JSON): the warning comes with the next save the editor sees.
    if request.accepts("text/html") and (warning := not_live_warning(instance)):
        messages.warning(request, warning)
