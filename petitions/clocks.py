"""A petition's legal clocks: what its states mean for its deadlines, and the extension of a denunciation's.

The deadline engine (deadlines/) is generic and sits below petitions; the petition services call the
three `deadlines_on_*` functions here inside their own transaction.
"""

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role, User
from core.notifications import notify
from core.selectors import jurisdiction_for
from core.vocabulary import Kind
from deadlines.calendar import WorkingCalendar
from deadlines.dates import compute_due_dates, local_date
from deadlines.models import DayUnit, Deadline, DeadlineRule, Extension, MetWhen, StartEvent
from deadlines.services import DeadlineError, deadlines_recompute_open

from .models import Petition
from .workflow import TERMINAL_OUTCOMES, Status

FIRST_RESOLUTION = "complaint.first_resolution"
SECOND_RESOLUTION = "complaint.second_resolution"
OUTCOMES = TERMINAL_OUTCOMES | {Status.CLOSED}
# Which petition states satisfy a rule, by the rule's `met_when`.
SATISFIED_BY: dict[str, frozenset[str]] = {
    MetWhen.LEAVES_RECEIVED: frozenset(Status.values) - {Status.RECEIVED},
    MetWhen.LEAVES_ACCEPTED: OUTCOMES | {Status.IN_PROGRESS},
    MetWhen.OUTCOME: OUTCOMES,
}


def _rules_for(petition: Petition, events: set[str]) -> list[DeadlineRule]:
    rules = DeadlineRule.objects.filter(
        Q(applies_to_kind__isnull=True) | Q(applies_to_kind=petition.kind), is_active=True, start_event__in=events
    )
    result = list(rules)
    if petition.kind == Kind.DENUNCIATION and petition.is_anonymous:
        # Law on Denunciations 2018 Art. 25: anonymous content is kept as information, on every path.
        result = [r for r in result if r.applies_to_kind != Kind.DENUNCIATION]
    if StartEvent.ACCEPTANCE in events:
        # Only an explicit second complaint against a first decision opens the second-level rules
        # (Law on Complaints Art. 37); a forwarded complaint is a first-time case at its new unit.
        skip = FIRST_RESOLUTION if petition.appeal_of_id else SECOND_RESOLUTION
        result = [r for r in result if r.code != skip]
    return result


def _receipt_events(petition: Petition) -> set[str]:
    # reg11.written_notice is not a petition clock: reception opens it on the head's conclusion.
    return {StartEvent.RECEIPT}


def _open(petition: Petition, rules: list[DeadlineRule], start: datetime.date) -> list[Deadline]:
    cal = WorkingCalendar()
    rows = []
    for rule in rules:
        dates = compute_due_dates(
            rule=rule, start=start, is_complex=petition.is_complex, is_remote=petition.is_remote, cal=cal
        )
        rows.append(
            Deadline(
                petition_id=petition.pk,
                rule=rule,
                unit_id=petition.unit_id,
                is_complex=petition.is_complex,
                is_remote=petition.is_remote,
                start_date=start,
                due_date=dates.due_date,
                due_soon_from=dates.due_soon_from,
                long_overdue_after=dates.long_overdue_after,
            )
        )
    # A hook that runs twice (a retried request) must not open a clock twice.
    Deadline.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def deadlines_on_receipt(*, petition: Petition) -> None:
    """Open the deadlines that start at receipt."""
    _open(petition, _rules_for(petition, _receipt_events(petition)), local_date(petition.received_at))


def deadlines_on_status_change(*, petition: Petition, from_status: str, to_status: str) -> list[str]:
    """Open the deadlines that start at acceptance; close the ones a new state satisfies; pause and resume.

    Returns what changed in the deadlines, in words, for the petition's history.
    """
    now = timezone.now()
    open_deadlines = Deadline.objects.filter(petition_id=petition.pk, closed_at__isnull=True)
    if to_status == Status.SUSPENDED:
        return _pause(open_deadlines, timezone.localdate())
    if from_status == Status.SUSPENDED:
        return _resume(open_deadlines, timezone.localdate())
    for met_when, statuses in SATISFIED_BY.items():
        if to_status in statuses:
            open_deadlines.filter(rule__met_when=met_when).update(
                closed_at=now,
                closed_as=Deadline.ClosedAs.CANCELLED if to_status == Status.WITHDRAWN else Deadline.ClosedAs.MET,
            )
    # Resuming a suspended case re-enters `accepted` but must not restart its clocks.
    if to_status == Status.ACCEPTED and from_status == Status.RECEIVED:
        accepted_at = petition.accepted_at or now
        _open(petition, _rules_for(petition, {StartEvent.ACCEPTANCE}), local_date(accepted_at))
    return []


def _pause(open_deadlines: QuerySet[Deadline], today: datetime.date) -> list[str]:
    paused = list(open_deadlines.filter(paused_at__isnull=True).select_related("rule"))
    open_deadlines.filter(paused_at__isnull=True).update(paused_at=today)
    return [
        _("%(rule)s: the clock stands still from %(date)s (suspension).")
        % {"rule": d.rule.name, "date": f"{today:%d/%m/%Y}"}
        for d in paused
    ]


def _resume(open_deadlines: QuerySet[Deadline], today: datetime.date) -> list[str]:
    """Move each paused due date by the days spent suspended, counted in the rule's own unit."""
    cal = WorkingCalendar()
    moved = []
    for deadline in open_deadlines.filter(paused_at__isnull=False).select_related("rule"):
        if deadline.rule.unit == DayUnit.WORKING:
            days = cal.working_days_between(deadline.paused_at, today)
        else:
            days = (today - deadline.paused_at).days
        paused_days = deadline.paused_days + days
        dates = compute_due_dates(
            rule=deadline.rule,
            start=deadline.start_date,
            is_complex=deadline.is_complex,
            is_remote=deadline.is_remote,
            extensions=deadline.extensions,
            paused_days=paused_days,
            cal=cal,
        )
        Deadline.objects.filter(pk=deadline.pk).update(
            paused_at=None,
            paused_days=paused_days,
            due_date=dates.due_date,
            due_soon_from=dates.due_soon_from,
            long_overdue_after=dates.long_overdue_after,
            level=min(deadline.level, dates.level_on(today)),
        )
        moved.append(
            _("%(rule)s: suspended %(days)d %(unit)s; now due %(date)s.")
            % {
                "rule": deadline.rule.name,
                "days": days,
                "unit": deadline.rule.get_unit_display(),
                "date": f"{dates.due_date:%d/%m/%Y}",
            }
        )
    return moved


def deadlines_on_reclassify(*, petition: Petition) -> None:
    """Kind or variants changed: cancel clocks that no longer apply, open the new kind's, recompute the rest."""
    open_deadlines = Deadline.objects.filter(petition_id=petition.pk, closed_at__isnull=True)
    events = _receipt_events(petition)
    if petition.status != Status.RECEIVED and petition.accepted_at:
        events.add(StartEvent.ACCEPTANCE)
    applicable = _rules_for(petition, events)
    open_deadlines.exclude(rule__in=applicable).update(closed_at=timezone.now(), closed_as=Deadline.ClosedAs.CANCELLED)
    already = set(Deadline.objects.filter(petition_id=petition.pk).values_list("rule_id", flat=True))
    receipt_rules = [r for r in applicable if r.pk not in already and r.start_event != StartEvent.ACCEPTANCE]
    acceptance_rules = [r for r in applicable if r.pk not in already and r.start_event == StartEvent.ACCEPTANCE]
    if petition.status == Status.RECEIVED:
        _open(petition, receipt_rules, local_date(petition.received_at))
    if acceptance_rules:
        _open(petition, acceptance_rules, local_date(petition.accepted_at))
    open_deadlines.update(is_complex=petition.is_complex, is_remote=petition.is_remote)
    deadlines_recompute_open(queryset=Deadline.objects.filter(petition_id=petition.pk))


def extensions_allowed(*, rule: DeadlineRule, petition: Petition) -> int:
    """Law on Denunciations 2018 Art. 30: once if the case is complex, twice if especially complex."""
    if petition.kind != Kind.DENUNCIATION:
        return 0
    by_complexity = 2 if petition.is_especially_complex else 1 if petition.is_complex else 0
    return min(rule.max_extensions, by_complexity)


def can_extend(*, user: User, deadline: Deadline) -> bool:
    petition = deadline.petition
    return (
        petition is not None
        and deadline.is_open
        and deadline.extensions < extensions_allowed(rule=deadline.rule, petition=petition)
        and jurisdiction_for(user).has_role(Role.HEAD, unit_id=petition.unit_id)
    )


@transaction.atomic
def deadline_extend(*, deadline: Deadline, actor: User, reason: str) -> Extension:
    """Extend a denunciation's resolution deadline by one step: a decision with a reason, never a silent change."""
    reason = (reason or "").strip()
    if not reason:
        raise DeadlineError(_("A written reason is required for an extension."))
    deadline = Deadline.objects.select_for_update(of=("self",)).select_related("rule", "petition").get(pk=deadline.pk)
    rule, petition = deadline.rule, deadline.petition
    if not jurisdiction_for(actor).has_role(Role.HEAD, unit_id=petition.unit_id):
        raise DeadlineError(_("Only the head of the unit may extend a deadline."))
    if petition.kind != Kind.DENUNCIATION or rule.max_extensions == 0:
        raise DeadlineError(_("This deadline cannot be extended."))
    if not deadline.is_open:
        raise DeadlineError(_("This deadline is already closed."))
    allowed = extensions_allowed(rule=rule, petition=petition)
    if allowed == 0:
        raise DeadlineError(
            _("Only a complex case may be extended (Law on Denunciations, Art. 30): record the complexity first.")
        )
    if deadline.extensions >= allowed:
        raise DeadlineError(
            _("This deadline has already been extended %(n)d times, the most the law allows for this case.")
            % {"n": allowed}
        )
    dates = compute_due_dates(
        rule=rule,
        start=deadline.start_date,
        is_complex=deadline.is_complex,
        is_remote=deadline.is_remote,
        extensions=deadline.extensions + 1,
        paused_days=deadline.paused_days,
    )
    extension = Extension.objects.create(
        deadline=deadline,
        decided_by=actor,
        reason=reason,
        days=rule.extension_length,
        previous_due_date=deadline.due_date,
        new_due_date=dates.due_date,
    )
    updated = Deadline.objects.filter(pk=deadline.pk, extensions=deadline.extensions).update(
        extensions=deadline.extensions + 1,
        due_date=dates.due_date,
        due_soon_from=dates.due_soon_from,
        long_overdue_after=dates.long_overdue_after,
        # A new round: the sweep may escalate this deadline again against the new date.
        level=min(deadline.level, dates.level_on(timezone.localdate())),
    )
    if not updated:  # pragma: no cover - the row lock above makes this unreachable
        raise DeadlineError(_("This deadline was changed by someone else meanwhile. Reload the page and try again."))
    from .services import petition_event_record  # services calls this module: import at call time

    petition_event_record(
        petition=petition,
        action="extend",
        actor=actor,
        reason=_("Resolution deadline extended to %(date)s: %(reason)s")
        % {"date": dates.due_date.strftime("%d/%m/%Y"), "reason": reason},
        is_public=True,
    )
    if petition.handler_id:
        notify(
            recipients=[petition.handler],
            title=_("Petition %(code)s: deadline extended to %(date)s")
            % {"code": petition.tracking_code, "date": f"{dates.due_date:%d/%m/%Y}"},
            body=str(rule.name),
        )
    deadline.refresh_from_db()
    return extension
