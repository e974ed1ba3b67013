"""Who may see and do what to a petition: the facts are the user's roles per unit subtree, the
assignment and the current head term. core.access dispatches the named permissions here; services,
selectors, views and menus all ask the same functions.
"""

from core.models import Role, User
from core.selectors import jurisdiction_for, unit_current_head

from .models import Petition
from .workflow import ACTION_ROLES, Action, action_possible_in

INTAKE_ROLES = (Role.RECEPTION, Role.HEAD)


def has_action_role(user: User, petition: Petition, action: str) -> bool:
    """The user holds a role for this action on the petition's unit, whatever the petition's state.

    "Handler" means the handler assigned to this petition; other handlers may only read.
    """
    jurisdiction = jurisdiction_for(user)
    roles = {r for r in ACTION_ROLES[action] if jurisdiction.has_role(r, unit_id=petition.unit_id)}
    if roles == {Role.HANDLER} and petition.handler_id != user.pk:
        roles = set()
    return bool(roles)


def allowed_actions(*, user: User, petition: Petition) -> list[str]:
    """The actions this user may take on this petition now, in the order of Action."""
    return [
        action
        for action in Action.values
        if has_action_role(user, petition, action) and action_possible_in(action, petition.status)
    ]


def can_see(user: User, petition: Petition) -> bool:
    return petition.unit_id in jurisdiction_for(user).unit_ids


def can_register(user: User, unit_id: int | None = None) -> bool:
    """Reception officers and heads register petitions received by post, in person or forwarded."""
    return jurisdiction_for(user).has_role(*INTAKE_ROLES, unit_id=unit_id)


def can_extend_deadline(user: User, obj) -> bool:
    """The head of the petition's unit decides an extension (Law on Denunciations 2018 Art. 30).

    `obj` is the deadline or its petition (both carry the unit).
    """
    return jurisdiction_for(user).has_role(Role.HEAD, unit_id=obj.unit_id)


def may_reveal_identity(*, user: User, petition: Petition) -> bool:
    """Only the assigned handler and the current head of the petition's unit may see a denouncer."""
    if not user.is_authenticated or not jurisdiction_for(user).is_staff:
        return False
    if petition.handler_id is not None and petition.handler_id == user.pk:
        return jurisdiction_for(user).has_role(Role.HANDLER, Role.HEAD, unit_id=petition.unit_id)
    if not jurisdiction_for(user).has_role(Role.HEAD, unit_id=petition.unit_id):
        return False
    return _is_current_head(user, petition)


def may_lift_protection(*, user: User, petition: Petition) -> bool:
    """Lifting protection is the current head's decision alone (Decree 31/2019)."""
    if not user.is_authenticated or not jurisdiction_for(user).has_role(Role.HEAD, unit_id=petition.unit_id):
        return False
    return _is_current_head(user, petition)


def _is_current_head(user: User, petition: Petition) -> bool:
    head = unit_current_head(petition.unit)
    return head is not None and head.pk == user.pk


def register_permissions() -> None:
    """Called from PetitionsConfig.ready(): the named permissions core.access answers."""
    from core import access

    access.register("petitions.list", access.is_staff)
    access.register("petitions.export", access.is_staff)
    access.register("petitions.view", can_see)
    access.register("petitions.register", can_register)
    access.register("petitions.reveal_identity", lambda user, p: may_reveal_identity(user=user, petition=p))
    access.register("petitions.lift_protection", lambda user, p: may_lift_protection(user=user, petition=p))
    for action in Action.values:
        # `petitions.accept`, `petitions.resolve`...: the role for the action; the state is the workflow's.
        access.register(f"petitions.{action}", _action_predicate(action))
    # The extension lives with the petition's clocks (petitions/clocks.py); the permission keeps its name.
    access.register("deadlines.extend", can_extend_deadline)


def _action_predicate(action: str):
    def predicate(user: User, petition: Petition) -> bool:
        return has_action_role(user, petition, action)

    return predicate
