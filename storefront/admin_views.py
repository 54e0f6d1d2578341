"""The staff guide in the Wagtail admin: the guide itself, its screenshots, and the dashboard's
panel that leads to it (`staff_guide` reads and renders the file; `wagtail_hooks` registers)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import staff_guide


class StaffGuideView(WagtailAdminTemplateMixin, TemplateView):
    """The guide, for everyone with access to the admin (editors and merchandisers alike)."""

    template_name = "storefront/admin/staff_guide.html"
    page_title = _("Staff guide")
    header_icon = "help"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Our own file, rendered with raw HTML escaped (staff_guide.render_guide).
        context["guide"] = mark_safe(staff_guide.render_guide())  # noqa: S308
        return context


def guide_screenshot(request, name: str):
    """One of the guide's screenshots, and nothing else under docs/."""
    path = staff_guide.screenshot_path(name)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")


class StaffGuidePanel(Component):
    """The dashboard's way to the guide."""

    name = "staff_guide"
    order = 40  # above the day's trade
    template_name = "storefront/admin/staff_guide_panel.html"
