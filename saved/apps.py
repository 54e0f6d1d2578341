from django.apps import AppConfig


class SavedConfig(AppConfig):
    name = "saved"
    verbose_name = "Saved pieces"

    def ready(self):
        from . import signals  # noqa: F401
