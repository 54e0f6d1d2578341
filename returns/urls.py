from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    path("orders/<str:number>/return/", views.start, name="start"),
    path("returns/<str:number>/", views.detail, name="detail"),
    path("returns/<str:number>/cancel/", views.cancel, name="cancel"),
]
