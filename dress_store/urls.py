from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.cache import never_cache
from django.views.static import serve as static_serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import AdminLoginView
from catalog import page_cache
from catalog import views as catalog_views
from catalog.admin_views import AddSubpageView

urlpatterns = [
    path("admin/login/", AdminLoginView.as_view(), name="wagtailadmin_login"),
    # Wagtail's own path, taken before Wagtail's view: the page types offered depend on the user.
    path(
        "admin/pages/<int:parent_page_id>/add_subpage/",
        require_admin_access(never_cache(AddSubpageView.as_view())),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("", include("api.urls")),
    path("", include("checkout.urls")),
    path("", include("catalog.urls")),
    path("", include("saved.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("returns.urls")),
    path("accounts/", include("allauth.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", catalog_views.search, name="search"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include("storefront.urls")),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # In production Nginx serves media; `make run` and the browser tests have no Nginx.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            static_serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [
    # Wagtail's password form and front-end login, then its pages: through Wagtail's serve view
    # with the route from the cache, or whole from the cache (catalog.routing,
    # catalog.page_cache). The same pattern and name as Wagtail's: page URLs are reversed so.
    *wagtail_urls.urlpatterns[:-1],
    re_path(wagtail_urls.serve_pattern, page_cache.serve, name="wagtail_serve"),
]

# A 503 while PostgreSQL cannot be reached, Django's 500 for anything else.
handler500 = "storefront.views.server_error"
