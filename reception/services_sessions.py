"""Writes on reception sessions: generated from schedules, ad hoc, held (by whom), cancelled."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role, Unit, User
from core.selectors import jurisdiction_for
from deadlines.calendar import is_working_day

from .errors import ReceptionError
from .models import (
    ACTIVE_BOOKING_STATUSES,
    BookingStatus,
    ReceptionSchedule,
    ReceptionSession,
    SessionHistory,
    SessionKind,
    SessionStatus,
)
from .policy import WRITE_ROLES, ensure_can_write
from .selectors import head_on
from .services_bookings import _booking_transition
from .workflow import SESSION_TRANSITIONS

# --- Sessions ---------------------------------------------------------------------------------


def _days(start: datetime.date, until: datetime.date):
    day = start
    while day <= until:
        yield day
        day += datetime.timedelta(days=1)


def sessions_generate(*, until: datetime.date, start: datetime.date | None = None) -> int:
    """Create the regular sessions of every active schedule up to `until`; safe to run again.

    No session is generated on a day that is not a working day (weekend, public holiday, a day off
    the Government added). Returns the number of sessions created.
    """
    start = start or timezone.localdate()
    schedules = list(ReceptionSchedule.objects.filter(active=True))
    working = {day: is_working_day(day) for day in _days(start, until)}
    rows = [
        ReceptionSession(
            unit_id=schedule.unit_id,
            schedule=schedule,
            date=day,
            start_time=schedule.start_time,
            end_time=schedule.end_time,
            place=schedule.place,
            capacity=schedule.capacity,
            kind=SessionKind.REGULAR,
        )
        for schedule in schedules
        for day, is_working in working.items()
        if is_working and schedule.occurs_on(day)
    ]
    with transaction.atomic():
        before = ReceptionSession.objects.count()
        ReceptionSession.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        return ReceptionSession.objects.count() - before


@transaction.atomic
def session_create_ad_hoc(
    *,
    actor: User,
    unit: Unit,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    place: str,
    capacity: int,
    reason: str,
) -> ReceptionSession:
    ensure_can_write(actor, unit.pk)
    if end_time <= start_time:
        raise ReceptionError(_("The session must end after it starts."))
    if ReceptionSession.objects.filter(unit=unit, date=date, start_time=start_time).exists():
        raise ReceptionError(_("This unit already has a session starting at that time."))
    return ReceptionSession.objects.create(
        unit=unit,
        date=date,
        start_time=start_time,
        end_time=end_time,
        place=place.strip(),
        capacity=capacity,
        kind=SessionKind.AD_HOC,
        reason=reason.strip(),
    )


@transaction.atomic
def session_record_holder(*, session: ReceptionSession, actor: User, held_by: User) -> ReceptionSession:
    """Record who received citizens. It counts as the head's own session only if held_by was head that day."""
    ensure_can_write(actor, session.unit_id)
    if session.status == SessionStatus.CANCELLED:
        raise ReceptionError(_("This session was cancelled."))
    if session.date > timezone.localdate():
        raise ReceptionError(_("A session can be recorded as held only on or after its day."))
    if not jurisdiction_for(held_by).has_role(*WRITE_ROLES, Role.HANDLER, unit_id=session.unit_id):
        raise ReceptionError(_("%(name)s does not work for this unit.") % {"name": held_by.display_name})
    in_person = head_on(session.unit_id, session.date) == held_by.pk
    if session.held_by_id and session.held_by_id != held_by.pk and session.conclusions.exists():
        raise ReceptionError(_("The head has already recorded conclusions for this session."))
    if not _session_transition(session, "record_holder", actor=actor, held_by=held_by, held_in_person=in_person):
        raise ReceptionError(_("This session was changed by someone else meanwhile. Reload the page and try again."))
    session.held_by, session.held_in_person = held_by, in_person
    return session


def _session_transition(session: ReceptionSession, action: str, *, actor: User, reason: str = "", **fields) -> bool:
    """Move a session along SESSION_TRANSITIONS with a conditional update and write its history row.

    False when the row was no longer in a from-state (another request got there first).
    """
    from_states, to_status, _permission, _reason_required = SESSION_TRANSITIONS[action]
    current = ReceptionSession.objects.filter(pk=session.pk).values_list("status", flat=True).first()
    updated = ReceptionSession.objects.filter(pk=session.pk, status__in=from_states).update(status=to_status, **fields)
    if not updated:
        return False
    SessionHistory.objects.create(
        session=session, action=action, from_status=current or "", to_status=to_status, actor=actor, reason=reason
    )
    session.status = to_status
    return True


@transaction.atomic
def session_cancel(*, session: ReceptionSession, actor: User, message: str) -> ReceptionSession:
    """Cancel a planned session; its active bookings are declined with the message."""
    ensure_can_write(actor, session.unit_id)
    message = (message or "").strip()
    if not message:
        raise ReceptionError(_("Write a message to the citizens who booked this session."))
    if not _session_transition(session, "cancel", actor=actor, reason=message):
        raise ReceptionError(_("Only a planned session can be cancelled."))
    for booking in session.bookings.filter(status__in=ACTIVE_BOOKING_STATUSES):
        _booking_transition(booking, to_status=BookingStatus.DECLINED, actor=actor, message=message)
    return session
