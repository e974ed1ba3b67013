"""Writes of the deadline engine: opening and closing clocks, calendar changes, recomputes.

Generic: a clock belongs to a subject (or, for the oldest rows, a petition). What a petition's
states mean for its clocks, and extensions of a denunciation's deadline, live in petitions.clocks:
this app sits below petitions and never imports it.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.models import Unit, User

from . import calendar
from .calendar import WorkingCalendar
from .dates import DueDates, compute_due_dates, local_date  # noqa: F401 - re-exported for callers
from .models import (
    CalendarException,
    Deadline,
    DeadlineRule,
)


class DeadlineError(Exception):
    """A deadline rule said no; the message is for the user and already translated."""


def deadline_open(
    *,
    rule_code: str,
    subject: models.Model,
    unit: Unit,
    start: datetime.date,
    label: str,
    owner: User | None = None,
    url: str = "",
    due_date: datetime.date | None = None,
) -> Deadline | None:
    """Open the clock of an active rule for any subject other than a petition; None if the rule is off.

    Idempotent: one clock per subject and rule. `due_date` fixes the date where a person chose it
    (a follow-up action's deadline); the warning thresholds still come from the rule.
    """
    rule = DeadlineRule.objects.filter(code=rule_code, is_active=True).first()
    if rule is None:
        return None
    subject_type = ContentType.objects.get_for_model(subject)
    existing = Deadline.objects.filter(subject_type=subject_type, subject_id=subject.pk, rule=rule).first()
    if existing is not None:
        return existing
    cal = WorkingCalendar()
    if due_date is None:
        dates = compute_due_dates(rule=rule, start=start, cal=cal)
    else:
        dates = DueDates(
            due_date=due_date,
            due_soon_from=cal.add_working_days(due_date, -rule.due_soon_days),
            long_overdue_after=cal.add_working_days(due_date, rule.long_overdue_days),
        )
    return Deadline.objects.create(
        subject_type=subject_type,
        subject_id=subject.pk,
        rule=rule,
        unit=unit,
        owner=owner,
        label=label[:200],
        url=url[:300],
        start_date=start,
        due_date=dates.due_date,
        due_soon_from=dates.due_soon_from,
        long_overdue_after=dates.long_overdue_after,
        fixed_due_date=due_date is not None,
    )


def deadline_close(*, subject: models.Model, rule_code: str | None = None, cancelled: bool = False) -> int:
    """Close a subject's open clocks (all of them, or the one of `rule_code`) as met or as no longer applying."""
    open_deadlines = Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, closed_at__isnull=True
    )
    if rule_code:
        open_deadlines = open_deadlines.filter(rule__code=rule_code)
    return open_deadlines.update(
        closed_at=timezone.now(), closed_as=Deadline.ClosedAs.CANCELLED if cancelled else Deadline.ClosedAs.MET
    )


def deadlines_recompute_open(*, queryset: QuerySet[Deadline] | None = None, today: datetime.date | None = None) -> int:
    """Recompute the stored dates of open deadlines after the calendar or a rule changed.

    Deadlines that share rule, start date, variants and extensions share their dates, so the work is
    one read of the distinct groups and one UPDATE per group whose dates actually moved. A deadline
    whose date moved later is put back to the level its new date implies; moving up is left to the
    sweep, which notifies. Returns the number of deadlines whose dates changed.
    """
    today = today or timezone.localdate()
    queryset = (queryset if queryset is not None else Deadline.objects.all()).filter(
        closed_at__isnull=True, fixed_due_date=False
    )
    keys = ("rule_id", "start_date", "is_complex", "is_remote", "extensions", "paused_days")
    groups = queryset.order_by().values(*keys, "due_date", "due_soon_from", "long_overdue_after").distinct()
    rules = {rule.pk: rule for rule in DeadlineRule.objects.all()}
    cal = WorkingCalendar()
    changed = 0
    for group in groups:
        dates = compute_due_dates(
            rule=rules[group["rule_id"]],
            start=group["start_date"],
            is_complex=group["is_complex"],
            is_remote=group["is_remote"],
            extensions=group["extensions"],
            paused_days=group["paused_days"],
            cal=cal,
        )
        current = DueDates(group["due_date"], group["due_soon_from"], group["long_overdue_after"])
        if dates == current:
            continue
        members = queryset.filter(**{key: group[key] for key in keys}, due_date=current.due_date)
        changed += members.update(
            due_date=dates.due_date, due_soon_from=dates.due_soon_from, long_overdue_after=dates.long_overdue_after
        )
        implied = dates.level_on(today)
        queryset.filter(**{key: group[key] for key in keys}, level__gt=implied).update(level=implied)
    return changed


@transaction.atomic
def calendar_exception_save(
    *, date: datetime.date, kind: str, name: str, exception: CalendarException | None = None
) -> CalendarException:
    """Add or change a day off / make-up working day and recompute the open deadlines."""
    exception = exception or CalendarException()
    exception.date, exception.kind, exception.name = date, kind, name.strip()
    exception.save()
    _calendar_changed()
    return exception


@transaction.atomic
def calendar_exception_delete(*, exception: CalendarException) -> None:
    exception.delete()
    _calendar_changed()


def _calendar_changed() -> None:
    calendar.invalidate()
    # Again after commit: a rollback must not leave this process with the uncommitted calendar.
    transaction.on_commit(calendar.invalidate)
    deadlines_recompute_open()


@transaction.atomic
def deadline_rule_save(*, rule: DeadlineRule) -> DeadlineRule:
    """Save an edited rule; its open deadlines follow the new length, unit or thresholds."""
    rule.save()
    deadlines_recompute_open(queryset=Deadline.objects.filter(rule=rule))
    return rule
