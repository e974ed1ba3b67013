"""Who may see and do what in reception: sessions, bookings, visits and the book.

Facts: the user's roles per unit subtree (core.selectors.jurisdiction_for), who logged a visit,
the assigned handler, and the current head term. core.access dispatches the named permissions here.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role, User
from core.selectors import jurisdiction_for

from .errors import ReceptionError
from .models import Visit

WRITE_ROLES = (Role.RECEPTION, Role.HEAD, Role.ADMIN)
READ_ROLES = (Role.RECEPTION, Role.HEAD, Role.ADMIN, Role.INSPECTOR)


def ensure_can_write(user: User, unit_id: int) -> None:
    """The services' own check (a task or another app may call them without a view in front)."""
    if not jurisdiction_for(user).has_role(*WRITE_ROLES, unit_id=unit_id):
        raise ReceptionError(_("You are not allowed to do this for this unit."))


def may_reveal_visit_identity(*, user: User, visit: Visit) -> bool:
    """Only the current head of the visit's unit and the staff member who logged or handles it.

    Ancestor heads, administrators and inspectors are not among them (Law on Denunciations 2018
    Art. 47, Decree 31/2019): powers follow the current head term, not a past one.
    """
    if not user.is_authenticated:
        return False
    jurisdiction = jurisdiction_for(user)
    if visit.recorded_by_id == user.pk and jurisdiction.has_role(Role.RECEPTION, Role.HEAD, unit_id=visit.unit_id):
        return True
    petition = visit.petition if visit.petition_id else None
    if petition is not None and petition.handler_id == user.pk:
        return jurisdiction.has_role(Role.HANDLER, Role.HEAD, unit_id=visit.unit_id)
    # The head of this very unit in the current term (an ancestor's head or a former head is not).
    from .selectors import head_on  # selectors import this module

    return head_on(visit.unit_id, timezone.localdate()) == user.pk


def can_read(user: User, obj=None) -> bool:
    """Reception officers, heads, inspectors and administrators read sessions, bookings and the book."""
    return jurisdiction_for(user).has_role(*READ_ROLES, unit_id=_unit_id(obj))


def can_write(user: User, obj=None) -> bool:
    """Inspectors read only: writes (sessions, bookings, visits, answers) need a write role on the unit."""
    return jurisdiction_for(user).has_role(*WRITE_ROLES, unit_id=_unit_id(obj))


def can_conclude(user: User, visit: Visit) -> bool:
    """Only the head who received this citizen in person records the conclusion (Reg. 11-QĐi/TW)."""
    session = visit.session
    return session is not None and session.held_in_person and session.held_by_id == user.pk


def _unit_id(obj) -> int | None:
    if obj is None or isinstance(obj, int):
        return obj
    return obj.unit_id


def register_permissions() -> None:
    """Called from ReceptionConfig.ready(): the named permissions core.access answers."""
    from core import access

    access.register("reception.read", can_read)
    access.register("reception.write", can_write)
    access.register("reception.conclude", can_conclude)
    access.register("reception.reveal_identity", lambda user, visit: may_reveal_visit_identity(user=user, visit=visit))
