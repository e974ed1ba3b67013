from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from .models import Membership, Role, Unit, UnitHeadTerm, User

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


def subtree_q(paths) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return q


def jurisdiction_for(user: User) -> Jurisdiction:
    """Two queries, then cached on the user object for the rest of the request."""
    if not user.is_authenticated:
        return Jurisdiction()
    cached = getattr(user, "_jurisdiction", None)
    if cached is not None:
        return cached
    memberships = list(Membership.objects.filter(user=user).select_related("unit").only("role", "unit__path"))
    by_role: dict[str, frozenset[int]] = {}
    if memberships:
        units = list(Unit.objects.filter(subtree_q({m.unit.path for m in memberships})).values_list("id", "path"))
        for m in memberships:
            ids = {uid for uid, path in units if path.startswith(m.unit.path)}
            by_role[m.role] = by_role.get(m.role, frozenset()) | ids
    jurisdiction = Jurisdiction(by_role=by_role)
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


def unread_notification_count(user: User) -> int:
    return user.notifications.filter(read_at__isnull=True).count()
