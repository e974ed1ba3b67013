from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "dialogues"
    verbose_name = _("Dialogues and hotspots")

    def ready(self):
        # petitions must not import dialogues: the complaint rule joins through the hook registry.
        from petitions.hooks import resolve_guards

        from .services import resolve_guard

        if resolve_guard not in resolve_guards:
            resolve_guards.append(resolve_guard)
