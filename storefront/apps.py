from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = "Storefront"

    def ready(self):
        from wagtail.models import ReferenceIndex

        from . import signals  # noqa: F401
        from .models import StoreSettings

        # Wagtail indexes pages' and snippets' links, not settings': without this, a page's
        # "usage" would not count the announcement and footer links to it.
        ReferenceIndex.register_model(StoreSettings)
