"""Who may see and do what in oversight: one place, asked by pages, the API, exports and menus."""

from core.models import Role, User
from core.selectors import jurisdiction_for

# Scorecards, comparisons, charts and reports: the heads accountable and the inspectors auditing them.
OVERSIGHT_ROLES = (Role.HEAD, Role.INSPECTOR, Role.ADMIN)


def oversight_unit_ids(user: User) -> frozenset[int]:
    jurisdiction = jurisdiction_for(user)
    ids: frozenset[int] = frozenset()
    for role in OVERSIGHT_ROLES:
        ids |= jurisdiction.by_role.get(role, frozenset())
    return ids


def can_view_oversight(user: User, unit_id: int | None = None) -> bool:
    ids = oversight_unit_ids(user)
    return bool(ids) if unit_id is None else unit_id in ids


def is_inspector(user: User, unit_id: int | None = None) -> bool:
    return jurisdiction_for(user).has_role(Role.INSPECTOR, unit_id=unit_id)


def can_use_workspace(user: User) -> bool:
    """The overdue queue, escalation histories and the audit log: inspectors (and heads, for their units)."""
    return jurisdiction_for(user).has_role(Role.INSPECTOR, Role.HEAD, Role.ADMIN)


def workspace_unit_ids(user: User) -> frozenset[int]:
    jurisdiction = jurisdiction_for(user)
    ids: frozenset[int] = frozenset()
    for role in (Role.INSPECTOR, Role.HEAD, Role.ADMIN):
        ids |= jurisdiction.by_role.get(role, frozenset())
    return ids


def can_record_finding(user: User, unit_id: int | None) -> bool:
    return is_inspector(user, unit_id)


def can_remedy_finding(user: User, finding) -> bool:
    """Whoever heads the unit now: head powers follow the current term, so a successor inherits the
    remedy of a finding recorded against their predecessor."""
    if finding.status != "open":
        return False
    return finding.unit.head_terms.filter(user=user, ended_on__isnull=True).exists()


def _view(user: User, obj=None) -> bool:
    return can_view_oversight(user, _unit_id(obj))


def _record_finding(user: User, obj=None) -> bool:
    return can_record_finding(user, _unit_id(obj))


def _unit_id(obj) -> int | None:
    return obj if obj is None or isinstance(obj, int) else obj.unit_id


def _workspace(user: User, obj=None) -> bool:
    """The workspace at all (no object), or one case or finding in it (`obj` carries `unit_id`)."""
    if obj is None:
        return can_use_workspace(user)
    return obj.unit_id in workspace_unit_ids(user)


def register_permissions() -> None:
    """Called from OversightConfig.ready(): the named permissions core.access answers."""
    from core import access

    access.register("oversight.view", _view)
    access.register("oversight.reports", _view)
    access.register("oversight.workspace", _workspace)
    # On a case (its unit) or a unit id.
    access.register("oversight.record_finding", _record_finding)
    access.register("oversight.remedy_finding", can_remedy_finding)
