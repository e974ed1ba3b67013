from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "dialogues"
    verbose_name = _("Dialogues and hotspots")

    def ready(self):
        from .policy import register_permissions

        register_permissions()
        # petitions must not import dialogues: the complaint rule and the invitations on the public
        # tracking answer join through petitions' hook registries.
        from petitions import hooks

        from .selectors import public_invitations
        from .services import resolve_guard

        if resolve_guard not in hooks.resolve_guards:
            hooks.resolve_guards.append(resolve_guard)
        if public_invitations not in hooks.tracking_invitations:
            hooks.tracking_invitations.append(public_invitations)
