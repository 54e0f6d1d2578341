from django.urls import path

from . import personal, views

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("_personal/", personal.personal_parts, name="personal_parts"),
]
