from django.urls import path

from . import views

app_name = "checkout"

urlpatterns = [
    path("basket/", views.basket_page, name="basket"),
    path("basket/add/", views.basket_add, name="basket_add"),
    path("basket/lines/<str:line_id>/", views.basket_update, name="basket_update"),
    path("basket/lines/<str:line_id>/remove/", views.basket_remove, name="basket_remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/success/", views.success, name="success"),
    path("checkout/cancel/", views.cancel, name="cancel"),
    path("checkout/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("accounts/orders/", views.order_list, name="order_list"),
    path("accounts/orders/<str:number>/", views.order_detail, name="order_detail"),
]
