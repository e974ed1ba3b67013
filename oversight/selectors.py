"""Reads of the oversight pages and API. Jurisdiction is applied here, once."""

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import BigIntegerField, CharField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, TruncMonth
from django.http import Http404
from django.utils import timezone

from core.models import Unit, UnitHeadTerm, User
from core.selectors import jurisdiction_for, unread_notifications
from deadlines.models import Deadline, Escalation, Level
from dialogues import selectors as dialogue_selectors
from dialogues.models import Dialogue, FollowUpAction, Hotspot
from dialogues.workflow import ActionStatus, DialogueStatus, HotspotStatus
from petitions import selectors as petition_selectors
from petitions.filters import kept_by_database, worst_open_level
from petitions.models import IdentityReveal, Petition, PetitionAlert, PetitionHistory, StatusCount
from reception.models import ReceptionSession, SessionStatus, VisitIdentityReveal

from . import policy
from .models import Finding
from .periods import Period
from .scorecard import Window


def units_for_oversight(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=policy.oversight_unit_ids(user))


def oversight_unit(user: User, code: str) -> Unit:
    """A unit the user may oversee, by code; 404 for unknown and out-of-jurisdiction alike."""
    unit = units_for_oversight(user).filter(code=(code or "").strip()[:50]).first()
    if unit is None:
        raise Http404
    return unit


def default_unit(user: User) -> Unit | None:
    """The topmost unit of the user's oversight jurisdiction."""
    return units_for_oversight(user).order_by("path").first()


def comparison_units(user: User, unit: Unit) -> list[Unit]:
    """The unit and its descendants that the user may oversee, in tree order."""
    return list(units_for_oversight(user).filter(path__startswith=unit.path).order_by("path"))


def head_windows(unit: Unit, period: Period, today: datetime.date) -> list[tuple[User, Window]]:
    """Each head in office during the period with the part of the period that was their term.

    A term's `ended_on` is the successor's first day (core.services.unit_head_assign), so the
    outgoing head's last day is the day before.
    """
    terms = (
        UnitHeadTerm.objects.filter(unit=unit, started_on__lte=period.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=period.start))
        .select_related("user")
        .order_by("started_on")
    )
    windows: dict[int, tuple[User, Window]] = {}
    for term in terms:
        last = term.ended_on - datetime.timedelta(days=1) if term.ended_on else None
        clipped = period.clip(term.started_on, last)
        if clipped is None:
            continue
        if term.user_id in windows:  # a second term in the same period: cover both
            user, window = windows[term.user_id]
            windows[term.user_id] = (user, Window(window.start, clipped.end, today))
        else:
            windows[term.user_id] = (term.user, Window(clipped.start, clipped.end, today))
    return list(windows.values())


def period_window(period: Period, today: datetime.date) -> Window:
    return Window(period.start, period.end, today)


def monthly_series(unit_ids, period: Period) -> list[dict]:
    """Petitions received, deadlines met and met late per month (two grouped queries), for the first chart."""
    window = Window(period.start, period.end, timezone.localdate())
    received = dict(
        Petition.objects.filter(
            unit_id__in=list(unit_ids), received_at__gte=window.start_at, received_at__lt=window.end_before
        )
        .annotate(month=TruncMonth("received_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    handled = {
        row["month"]: row
        for row in Deadline.objects.filter(
            petition__isnull=False,
            unit_id__in=list(unit_ids),
            closed_as=Deadline.ClosedAs.MET,
            closed_at__gte=window.start_at,
            closed_at__lt=window.end_before,
        )
        .annotate(month=TruncMonth("closed_at"))
        .order_by()
        .values("month")
        .annotate(handled=Count("id"), late=Count("id", filter=Q(closed_at__date__gt=F("due_date"))))
    }

    def key(moment):
        return (moment.year, moment.month) if moment else None

    received_by = {key(m): n for m, n in received.items()}
    handled_by = {key(m): row for m, row in handled.items()}
    return [
        {
            "month": f"{month:02d}/{year}",
            "received": received_by.get((year, month), 0),
            "handled": handled_by.get((year, month), {}).get("handled", 0),
            "late": handled_by.get((year, month), {}).get("late", 0),
        }
        for year, month in period.months()
    ]


# --- The head's overview ---------------------------------------------------------------------------


def _by_worst_level(unit_ids) -> tuple[QuerySet, str]:
    """The units' petitions with an open deadline at DUE_SOON or above, and the name of their worst level.

    On PostgreSQL the rows of `PetitionAlert` (counted by an index-only scan of alert_unit_level: the
    few per cent of petitions with an alert), the table the `worst_deadline` filter each count opens
    reads; the correlated subquery per petition (SQLite, development) took 7.9 s at a million.
    """
    if kept_by_database():
        return PetitionAlert.objects.filter(unit_id__in=unit_ids), "level"
    petitions = Petition.objects.filter(unit_id__in=unit_ids)
    return petitions.annotate(worst_level=worst_open_level()).filter(worst_level__gt=Level.NONE), "worst_level"


def worst_overdue(unit_ids, *, limit: int = 5) -> list[Deadline]:
    """The longest-overdue open deadlines of the units, with their petition and handler, by name."""
    today = timezone.localdate()
    return list(
        Deadline.objects.filter(
            petition__isnull=False, unit_id__in=list(unit_ids), closed_at__isnull=True, due_date__lt=today
        )
        .filter(paused_at__isnull=True)
        .exclude(petition__status="suspended")
        .select_related("petition__handler", "petition__unit", "rule")
        .order_by("due_date", "id")[:limit]
    )


def subject_deadlines_due(unit_ids, *, limit: int = 10) -> list[Deadline]:
    """Open clocks of things other than petitions (written answers, minutes, follow-up actions,
    findings' remedies...) in the units, soonest first: each carries its own label and link."""
    return list(
        Deadline.objects.filter(petition__isnull=True, unit_id__in=list(unit_ids), closed_at__isnull=True)
        .select_related("rule", "owner")
        .order_by("due_date", "id")[:limit]
    )


def next_reception_sessions(unit_ids, *, limit: int = 5) -> list[ReceptionSession]:
    return list(
        ReceptionSession.objects.filter(
            unit_id__in=list(unit_ids), date__gte=timezone.localdate(), status=SessionStatus.PLANNED
        )
        .select_related("unit")
        .order_by("date", "start_time")[:limit]
    )


# The head's overview: each count is computed on the very queryset the list it links to filters
# (dialogues.views with ?status=…&date_from=…, or the list shown in place), so they cannot disagree.

UPCOMING_DIALOGUE = (DialogueStatus.SCHEDULED, DialogueStatus.RESCHEDULED)
OPEN_HOTSPOT = (HotspotStatus.CONFIRMED, HotspotStatus.HANDLED)


def upcoming_dialogues(user: User) -> QuerySet[Dialogue]:
    """Dialogues still to be held from today on (scheduled or moved): the dialogue list with `status`
    and `date_from=today` shows exactly those."""
    return dialogue_selectors.dialogues_visible_to(user).filter(
        scheduled_at__date__gte=timezone.localdate(), status__in=UPCOMING_DIALOGUE
    )


def next_dialogues(user: User, *, limit: int = 10) -> list[Dialogue]:
    """The upcoming dialogues, soonest first."""
    return list(upcoming_dialogues(user).select_related("unit", "chair").order_by("scheduled_at", "id")[:limit])


def unclosed_hotspots(user: User) -> QuerySet[Hotspot]:
    """Confirmed hotspots not yet closed (handled ones wait for the head to close them): the hotspot
    list with `status` shows exactly those."""
    return dialogue_selectors.hotspots_visible_to(user).filter(status__in=OPEN_HOTSPOT)


def open_hotspots(user: User, *, limit: int = 10) -> list[Hotspot]:
    """The unclosed hotspots, highest risk first."""
    return list(unclosed_hotspots(user).select_related("unit", "owner").order_by("status", "-risk_level", "id")[:limit])


def open_followup_actions(unit_ids) -> QuerySet[FollowUpAction]:
    """Open follow-up actions of the units' dialogues."""
    return FollowUpAction.objects.filter(dialogue__unit_id__in=list(unit_ids), status=ActionStatus.OPEN)


def followup_actions_due(unit_ids, *, limit: int = 20) -> list[FollowUpAction]:
    """Open follow-up actions of the head's units' dialogues, soonest first."""
    return list(
        open_followup_actions(unit_ids)
        .select_related("dialogue", "dialogue__unit", "owner")
        .order_by("due_date", "id")[:limit]
    )


@dataclass(frozen=True)
class OverviewCounts:
    by_status: dict[str, int]  # the jurisdiction's petitions per state
    levels: dict[int, int]  # petitions per most urgent open deadline level (DUE_SOON and above)
    dialogues: dict[str, int]  # upcoming dialogues per status, every status of UPCOMING_DIALOGUE (heads)
    hotspots: dict[str, int]  # unclosed hotspots per status, every status of OPEN_HOTSPOT (heads)
    actions: int  # open follow-up actions of the head's units
    unread_notifications: int


def _grouped(rows: QuerySet, figure: str, key: str | None = None) -> QuerySet:
    """One branch of the overview's counts: rows (figure, key as text, n), one per key; without a key,
    one row with the count of all."""
    return (
        rows.order_by()
        .values(figure=Value(figure), key=Cast(key, CharField()) if key else Value(""))
        # COUNT(*), not of id: an index-only scan (of petition_unit_status (unit, status, received_at) for
        # the states: 48-69 ms at 300,000 against 107 for a scan of the table; docs/performance.md run 3).
        .annotate(n=Count("*"))
        .values_list("figure", "key", "n")
    )


def _by_status(petitions: QuerySet[Petition], unit_ids) -> QuerySet:
    """The overview's branch of petitions per state: on PostgreSQL the units' `StatusCount` rows, kept by
    triggers (a few hundred rows for a city, where counting its petitions read one index entry each:
    318 ms at a million); elsewhere a count of the petitions."""
    if not kept_by_database():
        return _grouped(petitions, "status", "status")
    return (
        StatusCount.objects.filter(unit_id__in=unit_ids)
        .order_by()
        .values(figure=Value("status"), key=F("status"))
        .annotate(n=Cast(Sum("n"), BigIntegerField()))
        .values_list("figure", "key", "n")
    )


def overview_counts(user: User, head_unit_ids: Collection[int] = ()) -> OverviewCounts:
    """Every count of the staff overview in one statement, a UNION ALL of grouped counts, each branch
    planned on its own (and reading its own index) on the querysets of the lists the counts open.

    The head's figures (dialogues, hotspots, follow-up actions) only when `head_unit_ids` is given.
    """
    petitions = petition_selectors.petitions_visible_to(user)
    levelled, level = _by_worst_level(jurisdiction_for(user).unit_ids)
    branches = [
        _by_status(petitions, jurisdiction_for(user).unit_ids),
        _grouped(levelled, "level", level),
        _grouped(unread_notifications(user), "unread"),
    ]
    if head_unit_ids:
        branches += [
            _grouped(upcoming_dialogues(user), "dialogue", "status"),
            _grouped(unclosed_hotspots(user), "hotspot", "status"),
            _grouped(open_followup_actions(head_unit_ids), "actions"),
        ]
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for figure, key, n in branches[0].union(*branches[1:], all=True):
        found[figure][key] = n
    return OverviewCounts(
        by_status=found["status"],
        levels={int(key): n for key, n in found["level"].items()},
        dialogues={status: found["dialogue"].get(status, 0) for status in UPCOMING_DIALOGUE} if head_unit_ids else {},
        hotspots={status: found["hotspot"].get(status, 0) for status in OPEN_HOTSPOT} if head_unit_ids else {},
        actions=found["actions"].get("", 0),
        unread_notifications=found["unread"].get("", 0),
    )


# --- The inspectors' workspace ---------------------------------------------------------------------


def overdue_queue(user: User, *, unit: Unit | None = None, level: int = Level.OVERDUE) -> QuerySet[Deadline]:
    """Open petition deadlines at or past `level` in the user's workspace jurisdiction, most late first."""
    queryset = Deadline.objects.filter(
        petition__isnull=False,
        unit_id__in=policy.workspace_unit_ids(user),
        closed_at__isnull=True,
        level__gte=level,
    )
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    return queryset.select_related("petition__handler", "petition__unit", "rule").order_by("due_date", "id")


def case_for_workspace(user: User, pk: int) -> Petition:
    petition = (
        Petition.objects.filter(pk=pk, unit_id__in=policy.workspace_unit_ids(user))
        .select_related("unit", "handler")
        .first()
    )
    if petition is None:
        raise Http404
    return petition


def escalation_history(petition: Petition) -> list[Deadline]:
    deadlines = list(
        Deadline.objects.filter(petition=petition)
        .select_related("rule")
        .prefetch_related("escalations", "extension_decisions__decided_by")
    )
    return deadlines


def audit_history(
    user: User,
    *,
    unit: Unit | None = None,
    actor: User | None = None,
    action: str = "",
    code: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[PetitionHistory]:
    queryset = PetitionHistory.objects.filter(petition__unit_id__in=policy.workspace_unit_ids(user))
    queryset = _audit_filters(queryset, "petition", unit, actor, "actor", code, date_from, date_to)
    if action:
        queryset = queryset.filter(action=action)
    return queryset.select_related("petition__unit", "actor").order_by("-created_at", "-id")


def audit_reveals(
    user: User,
    *,
    unit: Unit | None = None,
    actor: User | None = None,
    code: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[IdentityReveal]:
    """Every identity reveal in the jurisdiction: who, when, on which case and why (never the identity)."""
    queryset = IdentityReveal.objects.filter(petition__unit_id__in=policy.workspace_unit_ids(user))
    queryset = _audit_filters(queryset, "petition", unit, actor, "user", code, date_from, date_to)
    return queryset.select_related("petition__unit", "user").order_by("-created_at", "-id")


def audit_visit_reveals(
    user: User,
    *,
    unit: Unit | None = None,
    actor: User | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[VisitIdentityReveal]:
    """Every reveal of a protected visitor's identity in the reception book (never the identity)."""
    queryset = VisitIdentityReveal.objects.filter(visit__unit_id__in=policy.workspace_unit_ids(user))
    if unit is not None:
        queryset = queryset.filter(visit__unit__path__startswith=unit.path)
    if actor is not None:
        queryset = queryset.filter(user=actor)
    if date_from:
        queryset = queryset.filter(created_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(created_at__date__lte=date_to)
    return queryset.select_related("visit__unit", "user").order_by("-created_at", "-id")


def _audit_filters(queryset, petition_field, unit, actor, actor_field, code, date_from, date_to):
    if unit is not None:
        queryset = queryset.filter(**{f"{petition_field}__unit__path__startswith": unit.path})
    if actor is not None:
        queryset = queryset.filter(**{actor_field: actor})
    if code:
        queryset = queryset.filter(**{f"{petition_field}__tracking_code__iexact": code.strip()})
    if date_from:
        queryset = queryset.filter(created_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(created_at__date__lte=date_to)
    return queryset


def escalations_of(deadline_ids) -> QuerySet[Escalation]:
    return Escalation.objects.filter(deadline_id__in=list(deadline_ids)).order_by("created_at")


# --- Findings --------------------------------------------------------------------------------------


def findings_visible_to(user: User) -> QuerySet[Finding]:
    return Finding.objects.filter(unit_id__in=policy.workspace_unit_ids(user)).select_related(
        "unit", "head", "recorded_by", "petition"
    )


def finding_detail(user: User, pk: int) -> Finding:
    finding = findings_visible_to(user).filter(pk=pk).first()
    if finding is None:
        raise Http404
    return finding
