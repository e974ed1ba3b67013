from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Citizen reception")

    def ready(self):
        from .policy import register_permissions

        register_permissions()
