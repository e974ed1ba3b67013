import datetime

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from .models import Membership, Role, Unit, UnitHeadTerm, User


@transaction.atomic
def unit_create(*, name: str, code: str, level: str, parent: Unit | None = None) -> Unit:
    unit = Unit.objects.create(name=name, code=code, level=level, parent=parent, path="")
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, parent: Unit | None) -> Unit:
    """Re-parent a unit; the paths of its whole subtree are rewritten in one statement."""
    if parent is not None and parent.path.startswith(unit.path):
        raise ValueError("A unit cannot be moved under itself")
    old_path = unit.path
    new_path = f"{parent.path if parent else '/'}{unit.pk}/"
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
    )
    Unit.objects.filter(pk=unit.pk).update(parent=parent)
    unit.refresh_from_db()
    return unit


@transaction.atomic
def unit_head_assign(*, unit: Unit, user: User, started_on: datetime.date) -> UnitHeadTerm:
    """Close the current head's term and open a new one, so history shows who was head when."""
    current = UnitHeadTerm.objects.filter(unit=unit, ended_on__isnull=True).first()
    if current is not None and current.user_id == user.pk:
        return current
    if current is not None:
        # Head powers follow the current term only; the terms keep who was head when.
        Membership.objects.filter(unit=unit, role=Role.HEAD, user_id=current.user_id).delete()
        UnitHeadTerm.objects.filter(pk=current.pk).update(ended_on=started_on)
    Membership.objects.get_or_create(user=user, unit=unit, role=Role.HEAD)
    return UnitHeadTerm.objects.create(unit=unit, user=user, started_on=started_on)


def membership_add(*, user: User, unit: Unit, role: str) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return membership
