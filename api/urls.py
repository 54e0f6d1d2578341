"""The API's URLs, under /api/. The schema is generated from this module alone."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import returns, views

router = SimpleRouter()
router.register("categories", views.CategoryViewSet, basename="category")
router.register("products", views.ProductViewSet, basename="product")
router.register("basket/lines", views.BasketLineViewSet, basename="basket-line")
router.register("orders", views.OrderViewSet, basename="order")
router.register("returns", returns.ReturnViewSet, basename="return")
router.register("alerts", views.StockAlertViewSet, basename="stock-alert")

v1 = [
    path("basket/", views.BasketView.as_view(), name="basket"),
    path("checkout/", views.CheckoutView.as_view(), name="checkout"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("saved/", views.SavedView.as_view(), name="saved"),
    path("saved/<int:pk>/", views.SavedPieceView.as_view(), name="saved-piece"),
    path("saved/<int:pk>/move-to-basket/", views.MoveToBasketView.as_view(), name="saved-move"),
    *router.urls,
]

app_name = "api"
urlpatterns = [
    path("api/v1/", include(v1)),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="api.urls"), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/ is a JSON 404, not the shop's HTML page.
    re_path(r"^api/", views.not_found),
]
