from django.apps import AppConfig


class ReceptionConfig(AppConfig):
    name = "reception"

    def ready(self):
        from .policy import register_permissions

        register_permissions()
