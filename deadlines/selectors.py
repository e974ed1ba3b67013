import datetime
from collections import defaultdict

from django.db.models import Count, QuerySet

from .calendar import WorkingCalendar
from .models import Deadline, DeadlineRule, Level


def deadlines_for_petitions(petition_ids, *, include_closed: bool = False) -> dict[int, list[Deadline]]:
    """The deadlines of many petitions in one query, soonest first."""
    queryset = Deadline.objects.filter(petition_id__in=list(petition_ids)).select_related("rule")
    if not include_closed:
        queryset = queryset.filter(closed_at__isnull=True)
    result: dict[int, list[Deadline]] = defaultdict(list)
    for deadline in queryset.order_by("due_date", "id"):
        result[deadline.petition_id].append(deadline)
    return dict(result)


def open_level_counts(unit_ids) -> dict[int, int]:
    """Open deadlines past each warning level (due soon, overdue, long overdue) in these units."""
    rows = (
        Deadline.objects.filter(closed_at__isnull=True, unit_id__in=list(unit_ids), level__gt=Level.NONE)
        .values("level")
        .annotate(n=Count("id"))
    )
    return {row["level"]: row["n"] for row in rows}


def active_rules() -> QuerySet[DeadlineRule]:
    return DeadlineRule.objects.filter(is_active=True).order_by("code")


def calculate(
    *,
    rule: DeadlineRule,
    start: datetime.date,
    is_complex: bool = False,
    is_remote: bool = False,
    extensions: int = 0,
) -> dict:
    """What the public calculator shows: the due date, the length used and the holidays skipped."""
    from .services import compute_due_dates

    cal = WorkingCalendar()
    dates = compute_due_dates(
        rule=rule, start=start, is_complex=is_complex, is_remote=is_remote, extensions=extensions, cal=cal
    )
    return {
        "rule": rule,
        "start": start,
        "due": dates.due_date,
        "unit": rule.unit,
        "length": rule.length_for(is_complex=is_complex, is_remote=is_remote, extensions=extensions),
        "skipped": cal.non_working_days_between(start, dates.due_date),
        "make_up_days": cal.weekend_workdays_between(start, dates.due_date),
    }


def deadlines_for(subject, *, include_closed: bool = True) -> QuerySet[Deadline]:
    """The clocks of a subject other than a petition (minutes, a follow-up action, a finding...)."""
    from django.contrib.contenttypes.models import ContentType

    queryset = Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    ).select_related("rule")
    if not include_closed:
        queryset = queryset.filter(closed_at__isnull=True)
    return queryset.order_by("due_date", "id")
