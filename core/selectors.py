from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet

from .models import Membership, Notification, Role, Unit, UnitHeadTerm, User

STAFF_WRITE_ROLES = frozenset({Role.RECEPTION, Role.HANDLER, Role.HEAD, Role.ADMIN})


@dataclass(frozen=True)
class Jurisdiction:
    """The units a user may see, and per role the units where that role applies (subtrees expanded)."""

    by_role: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def unit_ids(self) -> frozenset[int]:
        return frozenset().union(*self.by_role.values()) if self.by_role else frozenset()

    @property
    def is_staff(self) -> bool:
        return bool(self.by_role)

    def has_role(self, *roles: str, unit_id: int | None = None) -> bool:
        return any(role in self.by_role and (unit_id is None or unit_id in self.by_role[role]) for role in roles)

    def can_write(self, unit_id: int) -> bool:
        return self.has_role(*STAFF_WRITE_ROLES, unit_id=unit_id)


def _units_by_membership(user_id: int) -> list[tuple[str, int]]:
    """(role, unit id) for every unit under each of the user's memberships, the membership's own included.

    One join: membership → its unit → every unit whose path starts with that unit's path. Paths are
    made of ids and slashes only ("/1/4/9/"), so LIKE needs no escaping; the unit table is small (a
    province's units), so the prefix join reads it once per membership.
    """
    membership, unit = Membership._meta.db_table, Unit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.role, d.id FROM {membership} m "  # noqa: S608 - table names from the models
            f"JOIN {unit} u ON u.id = m.unit_id "
            f"JOIN {unit} d ON d.path LIKE u.path || '%%' "
            "WHERE m.user_id = %s",
            [user_id],
        )
        return cursor.fetchall()


def jurisdiction_for(user: User) -> Jurisdiction:
    """One query, then cached on the user object for the rest of the request."""
    if not user.is_authenticated:
        return Jurisdiction()
    cached = getattr(user, "_jurisdiction", None)
    if cached is not None:
        return cached
    units: dict[str, set[int]] = {}
    for role, unit_id in _units_by_membership(user.pk):
        units.setdefault(role, set()).add(unit_id)
    jurisdiction = Jurisdiction(by_role={role: frozenset(ids) for role, ids in units.items()})
    user._jurisdiction = jurisdiction  # type: ignore[attr-defined]  # a per-request cache on the user
    return jurisdiction


def units_visible_to(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=jurisdiction_for(user).unit_ids)


def unit_current_head(unit: Unit) -> User | None:
    term = UnitHeadTerm.objects.filter(unit=unit, ended_on__isnull=True).select_related("user").first()
    return term.user if term else None


def staff_of_unit(unit_ids, roles) -> QuerySet[User]:
    return User.objects.filter(
        memberships__unit_id__in=unit_ids, memberships__role__in=roles, is_active=True
    ).distinct()


def unread_notifications(user: User) -> QuerySet[Notification]:
    return user.notifications.filter(read_at__isnull=True)


def unread_notification_count(user: User) -> int:
    return unread_notifications(user).count()
