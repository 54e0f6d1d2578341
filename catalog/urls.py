"""The catalog's pages outside the page tree: back-in-stock alerts. (The search page is routed
by the site's URLs; catalog pages by Wagtail.)"""

from django.urls import path

from . import alert_views

app_name = "catalog"

urlpatterns = [
    path("back-in-stock/", alert_views.subscribe, name="alert_subscribe"),
    path("back-in-stock/confirm/<str:token>/", alert_views.confirm, name="alert_confirm"),
    path("back-in-stock/stop/<str:token>/", alert_views.stop, name="alert_stop"),
    path("back-in-stock/<int:alert_id>/stop/", alert_views.cancel, name="alert_cancel"),
]
