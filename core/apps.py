from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from . import lockout  # noqa: F401 - connects the per-user log-in throttle's signal receiver
        from .masking import mask_all_handlers

        mask_all_handlers()
