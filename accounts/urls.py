from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("addresses/new/", views.address_form, name="address_add"),
    path("addresses/<int:pk>/edit/", views.address_form, name="address_edit"),
    path("addresses/<int:pk>/delete/", views.address_delete, name="address_delete"),
    path("addresses/<int:pk>/default/", views.address_make_default, name="address_default"),
    path("delete/", views.delete_account, name="delete"),
    path("confirm-email/resend/", views.resend_confirmation, name="resend_confirmation"),
]
