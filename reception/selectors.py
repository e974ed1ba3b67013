"""Reads of the reception app. Jurisdiction is applied here, once, for lists and detail pages."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.crypto import blind_index
from core.models import Unit, UnitHeadTerm, User
from core.selectors import jurisdiction_for
from deadlines.models import Deadline
from petitions.models import Kind, Petition

from .models import (
    ACTIVE_BOOKING_STATUSES,
    PROTECTED_VISITS,
    Booking,
    BookingEvent,
    HeadConclusion,
    ReceptionSession,
    RequiredFrequency,
    SessionStatus,
    Visit,
    VisitIdentityReveal,
    VisitRepresentative,
)
from .policy import READ_ROLES, WRITE_ROLES
from .rules import WRITTEN_NOTICE, required_sessions_in_month

PUBLIC_HORIZON_DAYS = 60


def readable_unit_ids(user: User) -> set[int]:
    jurisdiction = jurisdiction_for(user)
    return set().union(*(jurisdiction.by_role.get(role, frozenset()) for role in READ_ROLES))


def writable_unit_ids(user: User) -> set[int]:
    jurisdiction = jurisdiction_for(user)
    return set().union(*(jurisdiction.by_role.get(role, frozenset()) for role in WRITE_ROLES))


def can_read_reception(user: User) -> bool:
    return bool(readable_unit_ids(user))


def units_for_reception(user: User, *, writable: bool = False) -> QuerySet[Unit]:
    ids = writable_unit_ids(user) if writable else readable_unit_ids(user)
    return Unit.objects.filter(pk__in=ids)


def _with_booked(sessions: QuerySet[ReceptionSession]) -> QuerySet[ReceptionSession]:
    """Annotate the people already booked (`booked`) and the places left (`places_left`)."""
    return sessions.annotate(
        booked=Coalesce(
            Sum("bookings__people_count", filter=Q(bookings__status__in=ACTIVE_BOOKING_STATUSES)),
            Value(0),
            output_field=IntegerField(),
        )
    ).annotate(places_left=F("capacity") - F("booked"))


# --- Public calendar --------------------------------------------------------------------------


def public_sessions(*, unit: Unit | None = None, days: int = PUBLIC_HORIZON_DAYS) -> QuerySet[ReceptionSession]:
    """Upcoming planned sessions, with the number of people already booked (`booked`)."""
    now = timezone.localtime()
    today = now.date()
    sessions = ReceptionSession.objects.filter(
        status=SessionStatus.PLANNED, date__gte=today, date__lte=today + datetime.timedelta(days=days)
    ).exclude(date=today, start_time__lte=now.time())
    if unit is not None:
        sessions = sessions.filter(unit=unit)
    return _with_booked(sessions.select_related("unit")).order_by("date", "start_time", "unit__name")


def next_open_sessions(*, unit_id: int, after: ReceptionSession | None = None, people_count: int = 1, limit: int = 3):
    """The next sessions of a unit with room for this many people (offered when one is full)."""
    sessions = public_sessions(unit=Unit(pk=unit_id))
    if after is not None:
        sessions = sessions.exclude(pk=after.pk)
    return list(sessions.filter(places_left__gte=people_count)[:limit])


def public_session(pk: int) -> ReceptionSession:
    return get_object_or_404(_with_booked(ReceptionSession.objects.select_related("unit")), pk=pk)


def booking_by_code(code: str) -> Booking | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return Booking.objects.select_related("session__unit").filter(confirmation_code=code).first()


# --- Staff ------------------------------------------------------------------------------------


def sessions_for(user: User, *, unit: Unit | None = None, date_from=None, date_to=None) -> QuerySet[ReceptionSession]:
    sessions = ReceptionSession.objects.filter(unit_id__in=readable_unit_ids(user))
    if unit is not None:
        sessions = sessions.filter(unit=unit)
    if date_from:
        sessions = sessions.filter(date__gte=date_from)
    if date_to:
        sessions = sessions.filter(date__lte=date_to)
    return _with_booked(sessions.select_related("unit", "held_by")).annotate(visit_count=Count("visits", distinct=True))


def session_detail(user: User, pk: int) -> ReceptionSession:
    return get_object_or_404(
        _with_booked(ReceptionSession.objects.filter(unit_id__in=readable_unit_ids(user))).select_related(
            "unit", "held_by"
        ),
        pk=pk,
    )


def session_bookings(session: ReceptionSession) -> list[Booking]:
    return list(session.bookings.select_related("visit__petition").order_by("status", "created_at"))


def booking_detail(user: User, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.filter(session__unit_id__in=readable_unit_ids(user)).select_related("session__unit"), pk=pk
    )


def booking_events(booking: Booking) -> list[BookingEvent]:
    return list(booking.events.select_related("actor", "to_session", "from_session"))


def move_targets(user: User, session: ReceptionSession) -> QuerySet[ReceptionSession]:
    """Upcoming sessions of the same unit a booking can be moved to."""
    return public_sessions(unit=session.unit).filter(unit_id__in=writable_unit_ids(user)).exclude(pk=session.pk)


def visits_for(user: User, *, unit: Unit | None = None, date_from=None, date_to=None) -> QuerySet[Visit]:
    visits = Visit.objects.filter(unit_id__in=readable_unit_ids(user))
    if unit is not None:
        visits = visits.filter(unit=unit)
    if date_from:
        visits = visits.filter(visited_on__gte=date_from)
    if date_to:
        visits = visits.filter(visited_on__lte=date_to)
    return (
        visits.select_related("unit", "forwarded_to", "petition")
        .prefetch_related(Prefetch("representatives", queryset=VisitRepresentative.objects.order_by("position")))
        .order_by("unit__name", "visited_on", "serial")
    )


def visit_detail(user: User, pk: int) -> Visit:
    return get_object_or_404(
        Visit.objects.filter(unit_id__in=readable_unit_ids(user)).select_related(
            "unit", "session", "session__held_by", "booking", "petition", "forwarded_to", "recorded_by", "outcome_by"
        ),
        pk=pk,
    )


def identity_visible(user: User, visit: Visit) -> bool:
    """Whether a page may print the visitor's identity as such.

    A protected visitor (a denouncer, or one who asked for confidentiality) is never shown in the
    book, lists, exports or search, to anyone: only the audited reveal shows them (Law on
    Denunciations 2018 Art. 47, Decree 31/2019).
    """
    return not visit.is_protected


def visit_identity_reveals(visit: Visit) -> list[VisitIdentityReveal]:
    return list(visit.identity_reveals.select_related("user"))


def sessions_for_visit(user: User, *, include: int | None = None) -> QuerySet[ReceptionSession]:
    """Sessions a visit can be logged in: the past week's and today's, plus the booking's own."""
    today = timezone.localdate()
    recent = Q(date__gte=today - datetime.timedelta(days=7), date__lte=today)
    if include:
        recent |= Q(pk=include)
    return (
        ReceptionSession.objects.filter(recent, unit_id__in=writable_unit_ids(user))
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("unit")
        .order_by("-date", "start_time")
    )


def head_on(unit_id: int, day: datetime.date) -> int | None:
    """The id of whoever was head of the unit on that day."""
    term = (
        UnitHeadTerm.objects.filter(unit_id=unit_id, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .order_by("-started_on")
        .values_list("user_id", flat=True)
        .first()
    )
    return term


def head_on_date(unit: Unit, day: datetime.date) -> User | None:
    user_id = head_on(unit.pk, day)
    return User.objects.filter(pk=user_id).first() if user_id else None


@dataclass
class ReturningCitizen:
    visits: list[Visit]
    petitions: list[Petition]


def returning_citizen(user: User, id_number: str, *, exclude_visit: int | None = None) -> ReturningCitizen:
    """Earlier visits and petitions of the same citizen ID number, within the user's jurisdiction.

    Protected visits and petitions (denouncers, or those who asked) are shown to nobody, not even as a
    count: a look-up by ID number must not reveal who denounced whom (Law on Denunciations 2018 Art. 47).
    """
    digest = blind_index(id_number)
    if not digest:
        return ReturningCitizen([], [])
    unit_ids = readable_unit_ids(user)
    visits = (
        Visit.objects.filter(unit_id__in=unit_ids, id_number_digest=digest)
        # Finding a protected visit by ID number would tell who denounced: never listed.
        .exclude(PROTECTED_VISITS)
        .exclude(pk=exclude_visit)
        .select_related("unit", "petition")
        .order_by("-visited_on", "-serial")[:50]
    )
    petitions = (
        Petition.objects.filter(unit_id__in=unit_ids, petitioner__id_number_digest=digest)
        .exclude(identity_protected=True)
        .exclude(kind=Kind.DENUNCIATION)
        .select_related("unit")
        .order_by("-received_at")[:50]
    )
    return ReturningCitizen(list(visits), list(petitions))


# --- The head's written answers (Reg. 11) ---------------------------------------------------------


@dataclass(frozen=True)
class AnswerDue:
    conclusion: HeadConclusion
    deadline: Deadline | None  # None when the rule is switched off

    @property
    def visit(self) -> Visit:
        return self.conclusion.visit

    @property
    def is_overdue(self) -> bool:
        return self.deadline is not None and self.deadline.is_open and self.deadline.days_left() < 0


def _written_notice_deadlines(conclusion_ids) -> dict[int, Deadline]:
    subject_type = ContentType.objects.get_for_model(HeadConclusion)
    rows = Deadline.objects.filter(
        subject_type=subject_type, subject_id__in=list(conclusion_ids), rule__code=WRITTEN_NOTICE
    ).select_related("rule")
    return {row.subject_id: row for row in rows}


def written_answers_due(user: User) -> list[AnswerDue]:
    """The written answers a head still owes after their receptions, soonest due first (three queries)."""
    conclusions = list(
        HeadConclusion.objects.filter(concluded_by=user, written_answer__isnull=True).select_related(
            "visit__unit", "visit__petition", "session"
        )
    )
    deadlines = _written_notice_deadlines(c.pk for c in conclusions)
    rows = [AnswerDue(c, deadlines.get(c.pk)) for c in conclusions]
    far = datetime.date.max
    rows.sort(key=lambda r: (r.deadline.due_date if r.deadline else far, r.conclusion.pk))
    return rows


def conclusion_for_visit(visit: Visit) -> HeadConclusion | None:
    return (
        HeadConclusion.objects.filter(visit=visit)
        .select_related("concluded_by", "written_answer__signed_by", "written_answer__recorded_by")
        .first()
    )


def written_notice_deadline(conclusion: HeadConclusion) -> Deadline | None:
    return _written_notice_deadlines([conclusion.pk]).get(conclusion.pk)


# --- Quotas -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quota:
    unit: Unit
    year: int
    month: int
    head: User | None
    held_in_person: int  # distinct days the head received citizens in person
    delegated: int  # distinct days a delegate received citizens (never counted for the head)
    required: int | None  # None: no frequency configured for the unit's level
    answers_due: int = 0  # written answers still owed after the head's receptions (Reg. 11)
    answers_overdue: int = 0

    @property
    def shortfall(self) -> int:
        if self.required is None:
            return 0
        return max(self.required - self.held_in_person, 0)


def _month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def _count(rows: QuerySet, field: str = "id", *, distinct: bool = False) -> Coalesce:
    """A unit's count of `rows` (already filtered on unit=OuterRef("pk")), as a correlated subquery."""
    counted = rows.order_by().values("unit").annotate(n=Count(field, distinct=distinct)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _with_quota_figures(units: QuerySet[Unit], first: datetime.date, last: datetime.date) -> QuerySet[Unit]:
    """The units with their month's figures as columns of the same query, and the head of the month."""
    held = ReceptionSession.objects.filter(
        unit=OuterRef("pk"), status=SessionStatus.HELD, date__gte=first, date__lte=last
    )
    answers = Deadline.objects.filter(unit=OuterRef("pk"), rule__code=WRITTEN_NOTICE, closed_at__isnull=True)
    frequency = RequiredFrequency.objects.filter(level=OuterRef("level"))
    # The head of the month is the one in office on its last day (or the latest before it).
    month_head_term = (
        UnitHeadTerm.objects.filter(unit=OuterRef("pk"), started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .order_by("-started_on", "-id")
        .values("pk")[:1]
    )
    return units.annotate(
        # Reg. 11 counts reception DAYS the head held in person: two half-day sessions on one date
        # are one day, and a delegate's session never counts toward the head's quota.
        quota_in_person=_count(held.filter(held_in_person=True), "date", distinct=True),
        quota_delegated=_count(held.filter(held_in_person=False), "date", distinct=True),
        quota_answers_due=_count(answers),
        quota_answers_overdue=_count(answers.filter(due_date__lt=timezone.localdate())),
        quota_sessions=Subquery(frequency.values("sessions")[:1]),
        quota_period=Subquery(frequency.values("period")[:1]),
        month_head_term=FilteredRelation("head_terms", condition=Q(head_terms__pk=Subquery(month_head_term))),
    ).select_related("month_head_term__user")


def head_quotas(units: QuerySet[Unit] | Iterable[Unit], year: int, month: int) -> list[Quota]:
    """Reception days held by the head in person vs required, per unit, for one month (one query).

    Also the written answers still owed after the head's receptions, today (Reg. 11). A queryset of
    units is read with the figures in the same query; a list is kept as given (its figures are read
    by id).
    """
    first, last = _month_bounds(year, month)
    if isinstance(units, QuerySet):
        units = list(_with_quota_figures(units, first, last))
        figures = {unit.pk: unit for unit in units}
    else:
        units = list(units)
        figures = {
            unit.pk: unit
            for unit in _with_quota_figures(Unit.objects.filter(pk__in=[u.pk for u in units]), first, last)
        }
    result = []
    for unit in units:
        row: Any = figures[unit.pk]  # the unit with its figures annotated by _with_quota_figures
        sessions, period = row.quota_sessions, row.quota_period
        # No head term in the month: the filtered relation leaves the attribute unset, not None.
        term = getattr(row, "month_head_term", None)
        result.append(
            Quota(
                unit=unit,
                year=year,
                month=month,
                head=term.user if term else None,
                held_in_person=row.quota_in_person,
                delegated=row.quota_delegated,
                required=None if sessions is None else required_sessions_in_month(sessions, period, year, month),
                answers_due=row.quota_answers_due,
                answers_overdue=row.quota_answers_overdue,
            )
        )
    return result


def head_quota(unit: Unit, year: int, month: int) -> Quota:
    """One unit's quota for a month; for the head's dashboard and the oversight scorecard."""
    return head_quotas([unit], year, month)[0]
