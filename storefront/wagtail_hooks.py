"""The storefront's part in the Wagtail admin: rich text links to pages that are not live are
left out for shoppers, and an editor who saves a link to one is told (`page_links`); and the
staff guide, under Help and on the dashboard (`admin_views`)."""

from __future__ import annotations

from django.contrib import messages
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import StaffGuidePanel, StaffGuideView, guide_screenshot
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


# Under /admin/, so only those with access to the admin reach them (Wagtail checks it).
@hooks.register("register_admin_urls")
def register_staff_guide_urls():
    return [
        path("staff-guide/", StaffGuideView.as_view(), name="staff_guide"),
        path(
            "staff-guide/screenshots/<str:name>",
            guide_screenshot,
            name="staff_guide_screenshot",
        ),
    ]


@hooks.register("register_help_menu_item")
def register_staff_guide_menu_item():
    return MenuItem(
        _("Staff guide"), reverse("staff_guide"), name="staff-guide", icon_name="help", order=900
    )


@hooks.register("construct_homepage_panels")
def add_staff_guide_panel(request, panels):
    panels.append(StaffGuidePanel())
