"""Pages of API lists: `?page=` and `?page_size=` (at most 100)."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from catalog.fragments import understood


class Pagination(PageNumberPagination):
    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.query_parameters = getattr(view, "query_parameters", None)
        return super().paginate_queryset(queryset, request, view)

    def page_url(self) -> str:
        """This request's URL for the links to other pages; a view that names its
        `query_parameters` (because its pages are cached) gets only those, in one order, so that
        a cached page carries nothing that one caller added."""
        if self.query_parameters is None:
            return self.request.build_absolute_uri()
        query = understood(self.request.query_params, self.query_parameters).urlencode()
        return self.request.build_absolute_uri(self.request.path) + (f"?{query}" if query else "")

    def get_next_link(self):
        if not self.page.has_next():
            return None
        return replace_query_param(
            self.page_url(), self.page_query_param, self.page.next_page_number()
        )

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(self.page_url(), self.page_query_param)
        return replace_query_param(self.page_url(), self.page_query_param, number)
