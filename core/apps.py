from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Units and accounts")

    def ready(self):
        from . import lockout  # noqa: F401 - connects the per-user log-in throttle's signal receiver
        from .masking import mask_all_handlers

        mask_all_handlers()
