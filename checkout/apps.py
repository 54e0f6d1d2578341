from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "checkout"
    verbose_name = "Checkout and orders"

    def ready(self):
        from . import signals  # noqa: F401
