from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "petitions"

    def ready(self):
        from .policy import register_permissions

        register_permissions()
