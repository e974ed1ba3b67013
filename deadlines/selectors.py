import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from .calendar import WorkingCalendar
from .dates import compute_due_dates, local_date
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


@dataclass(frozen=True)
class FilingLimit:
    """Whether a complaint came within its filing limit (Law on Complaints 2011 Art. 9 and 33)."""

    admissible: bool
    limit: datetime.date | None = None
    # Late but admissible with a recorded legitimate obstacle (Art. 9); a premature second complaint is not.
    excusable: bool = False
    message: str = ""


def filing_limit_for(petition) -> FilingLimit | None:
    """None when no limit applies (not a complaint, or the date the decision became known is not recorded)."""
    from django.utils.translation import gettext as _

    if petition.kind != "complaint":
        return None
    received = local_date(petition.received_at)
    if petition.appeal_of_id:
        rule = DeadlineRule.objects.filter(code="complaint.second_filing_limit", is_active=True).first()
        if rule is None:
            return None
        if petition.first_decision_on is None:
            # Art. 33: without a first decision, a second complaint is admissible once the first-resolution
            # deadline has passed.
            first = (
                Deadline.objects.filter(petition_id=petition.appeal_of_id, rule__code="complaint.first_resolution")
                .exclude(closed_as=Deadline.ClosedAs.MET)
                .first()
            )
            if first is not None and first.due_date < received:
                return FilingLimit(admissible=True)
            return FilingLimit(
                admissible=False,
                message=_(
                    "A second complaint needs the date of the first decision, unless the first complaint's "
                    "resolution deadline passed without a decision (Law on Complaints, Art. 33)."
                ),
            )
        start, basis = petition.first_decision_on, _("Law on Complaints, Art. 33")
        limit = compute_due_dates(rule=rule, start=start, is_remote=petition.is_remote).due_date
    else:
        rule = DeadlineRule.objects.filter(code="complaint.filing_limit", is_active=True).first()
        if rule is None or petition.decision_known_on is None:
            return None
        start, basis = petition.decision_known_on, _("Law on Complaints, Art. 9")
        limit = compute_due_dates(rule=rule, start=start).due_date
    if received <= limit:
        return FilingLimit(admissible=True, limit=limit)
    return FilingLimit(
        admissible=False,
        limit=limit,
        excusable=True,
        message=_("Filed on %(received)s, after the filing limit of %(limit)s (%(basis)s).")
        % {"received": f"{received:%d/%m/%Y}", "limit": f"{limit:%d/%m/%Y}", "basis": basis},
    )


def digest_cases(items: list) -> list[tuple[Deadline, int]]:
    """The (deadline, level reached) pairs of a sweep digest's items, in the digest's order; one query."""
    deadlines = Deadline.objects.select_related("rule", "petition").in_bulk([item[0] for item in items])
    return [(deadlines[pk], level) for pk, level in items if pk in deadlines]
