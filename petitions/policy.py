"""Who may see and do what to a petition: the facts are the user's roles per unit subtree, the
assignment and the current head term. core.access dispatches the named permissions here; services,
selectors, views and menus all ask the same functions.
"""

from core.models import Role, User
from core.selectors import jurisdiction_for, unit_current_head

from .models import Petition
from .workflow import ACTION_ROLES, Action, action_possible_in


def allowed_actions(*, user: User, petition: Petition) -> list[str]:
    """The actions this user may take on this petition now, in the order of Action."""
    jurisdiction = jurisdiction_for(user)
    result = []
    for action in Action.values:
        roles = {r for r in ACTION_ROLES[action] if jurisdiction.has_role(r, unit_id=petition.unit_id)}
        if roles == {Role.HANDLER} and petition.handler_id != user.pk:
            roles = set()
        if roles and action_possible_in(action, petition.status):
            result.append(action)
    return result


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
