from django.urls import path

from . import views

app_name = "saved"

urlpatterns = [
    path("saved/", views.saved_page, name="list"),
    path("saved/add/", views.save, name="add"),
    path("saved/<str:piece_id>/remove/", views.remove, name="remove"),
    path("saved/<str:piece_id>/to-basket/", views.move_to_basket, name="move"),
]
