"""Every write of the reception app: schedules → sessions, bookings, the reception book, conclusions."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import chain_create
from core.crypto import blind_index
from core.models import Role, Unit, UnitHeadTerm, User
from core.notifications import notify
from core.selectors import jurisdiction_for
from deadlines import services as deadline_services
from deadlines.calendar import is_working_day
from petitions import services as petition_services
from petitions.models import Channel, Kind, Petition

from .models import (
    ACTIVE_BOOKING_STATUSES,
    BOOKING_TRANSITIONS,
    BookCounter,
    Booking,
    BookingEvent,
    BookingStatus,
    Direction,
    HeadConclusion,
    Outcome,
    ReceptionSchedule,
    ReceptionSession,
    RefusalReason,
    SessionKind,
    SessionStatus,
    Visit,
    VisitIdentityReveal,
    VisitRepresentative,
    WrittenAnswer,
)
from .rules import representatives_error

WRITE_ROLES = (Role.RECEPTION, Role.HEAD, Role.ADMIN)
READ_ROLES = (Role.RECEPTION, Role.HEAD, Role.ADMIN, Role.INSPECTOR)


class ReceptionError(Exception):
    """A rule said no; the message is for the user and already translated."""


class SessionFull(ReceptionError):
    def __init__(self, message: str, *, session: ReceptionSession):
        super().__init__(message)
        self.session = session


def ensure_can_write(user: User, unit_id: int) -> None:
    if not jurisdiction_for(user).has_role(*WRITE_ROLES, unit_id=unit_id):
        raise ReceptionError(_("You are not allowed to do this for this unit."))


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
    updated = ReceptionSession.objects.filter(
        pk=session.pk, status__in=[SessionStatus.PLANNED, SessionStatus.HELD]
    ).update(status=SessionStatus.HELD, held_by=held_by, held_in_person=in_person)
    if not updated:
        raise ReceptionError(_("This session was changed by someone else meanwhile. Reload the page and try again."))
    session.status, session.held_by, session.held_in_person = SessionStatus.HELD, held_by, in_person
    return session


@transaction.atomic
def session_cancel(*, session: ReceptionSession, actor: User, message: str) -> ReceptionSession:
    """Cancel a planned session; its active bookings are declined with the message."""
    ensure_can_write(actor, session.unit_id)
    message = (message or "").strip()
    if not message:
        raise ReceptionError(_("Write a message to the citizens who booked this session."))
    if not ReceptionSession.objects.filter(pk=session.pk, status=SessionStatus.PLANNED).update(
        status=SessionStatus.CANCELLED
    ):
        raise ReceptionError(_("Only a planned session can be cancelled."))
    session.status = SessionStatus.CANCELLED
    for booking in session.bookings.filter(status__in=ACTIVE_BOOKING_STATUSES):
        _booking_transition(booking, to_status=BookingStatus.DECLINED, actor=actor, message=message)
    return session


# --- Bookings ---------------------------------------------------------------------------------


def _locked_session(session_id: int) -> ReceptionSession:
    return ReceptionSession.objects.select_for_update().select_related("unit").get(pk=session_id)


def booked_people(session_id: int, *, exclude_booking: int | None = None) -> int:
    bookings = Booking.objects.filter(session_id=session_id, status__in=ACTIVE_BOOKING_STATUSES)
    if exclude_booking:
        bookings = bookings.exclude(pk=exclude_booking)
    return bookings.aggregate(n=Sum("people_count"))["n"] or 0


def _check_bookable(session: ReceptionSession, *, people_count: int, digest: str, exclude: int | None = None):
    if session.status != SessionStatus.PLANNED:
        raise ReceptionError(_("This session is no longer open for booking."))
    if session.starts_at <= timezone.now():
        raise ReceptionError(_("This session has already started or is in the past. Choose a later one."))
    same_person = Booking.objects.filter(
        session=session, id_number_digest=digest, status__in=ACTIVE_BOOKING_STATUSES
    ).exclude(pk=exclude)
    if same_person.exists():
        raise ReceptionError(_("A booking for this citizen ID number already exists for this session."))
    free = session.capacity - booked_people(session.pk, exclude_booking=exclude)
    if people_count > free:
        if free <= 0:
            message = _("This session is full.")
        else:
            message = _("Only %(free)d place(s) are left in this session; your booking is for %(n)d people.") % {
                "free": free,
                "n": people_count,
            }
        raise SessionFull(message, session=session)


def _event(booking, *, from_status, to_status, from_session_id, actor=None, message=""):
    BookingEvent.objects.create(
        booking=booking,
        from_status=from_status,
        to_status=to_status,
        from_session_id=from_session_id,
        to_session_id=booking.session_id,
        actor=actor if actor and actor.is_authenticated else None,
        message=message,
    )


@transaction.atomic
def booking_create(
    *,
    session_id: int,
    full_name: str,
    phone: str,
    id_number: str,
    summary: str,
    people_count: int = 1,
    citizen: User | None = None,
) -> Booking:
    """Book a place. The session row is locked so two people never take the last place together."""
    if people_count < 1:
        raise ReceptionError(_("At least one person must come."))
    session = _locked_session(session_id)
    digest = blind_index(id_number)
    _check_bookable(session, people_count=people_count, digest=digest)
    booking = Booking(
        session=session,
        full_name=full_name.strip(),
        phone="".join(phone.split()),
        id_number=id_number.strip(),
        id_number_digest=digest,
        summary=summary.strip(),
        people_count=people_count,
        citizen=citizen if citizen and citizen.is_authenticated else None,
    )
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:  # the partial unique index, when the lock is not available (SQLite)
        raise ReceptionError(_("A booking for this citizen ID number already exists for this session.")) from exc
    _event(booking, from_status="", to_status=booking.status, from_session_id=None)
    return booking


def _booking_transition(
    booking: Booking, *, to_status: str, actor: User | None, message: str = "", to_session=None
) -> Booking:
    from_status, from_session_id = booking.status, booking.session_id
    if to_status not in BOOKING_TRANSITIONS[from_status]:
        raise ReceptionError(
            _("This booking is “%(status)s” and can no longer be changed.") % {"status": booking.get_status_display()}
        )
    fields = {"status": to_status, "updated_at": timezone.now()}
    if message:
        fields["staff_message"] = message
    if to_session is not None:
        fields["session"] = to_session
    updated = Booking.objects.filter(pk=booking.pk, status=from_status, session_id=from_session_id).update(**fields)
    if not updated:
        raise ReceptionError(_("This booking was changed meanwhile. Reload the page and try again."))
    booking.status = to_status
    if message:
        booking.staff_message = message
    if to_session is not None:
        booking.session = to_session
    _event(
        booking,
        from_status=from_status,
        to_status=to_status,
        from_session_id=from_session_id,
        actor=actor,
        message=message,
    )
    if booking.citizen_id and actor is not None and actor.pk != booking.citizen_id:
        notify(
            recipients=[booking.citizen],
            title=_("Your reception booking %(code)s: %(status)s")
            % {"code": booking.confirmation_code, "status": booking.get_status_display()},
            body=message,
        )
    return booking


@transaction.atomic
def booking_confirm(*, booking: Booking, actor: User, message: str = "") -> Booking:
    ensure_can_write(actor, booking.session.unit_id)
    return _booking_transition(booking, to_status=BookingStatus.CONFIRMED, actor=actor, message=message.strip())


@transaction.atomic
def booking_decline(*, booking: Booking, actor: User, message: str) -> Booking:
    ensure_can_write(actor, booking.session.unit_id)
    message = (message or "").strip()
    if not message:
        raise ReceptionError(_("Tell the citizen why the booking is declined."))
    return _booking_transition(booking, to_status=BookingStatus.DECLINED, actor=actor, message=message)


@transaction.atomic
def booking_move(*, booking: Booking, actor: User, to_session: ReceptionSession, message: str) -> Booking:
    """Move a booking to another session (capacity and the one-booking-per-person rule apply there too)."""
    ensure_can_write(actor, booking.session.unit_id)
    ensure_can_write(actor, to_session.unit_id)
    message = (message or "").strip()
    if not message:
        raise ReceptionError(_("Tell the citizen why the booking is moved."))
    if to_session.pk == booking.session_id:
        raise ReceptionError(_("Choose a different session."))
    # Lock both sessions in a fixed order so two moves in opposite directions cannot deadlock.
    locked = {
        s.pk: s
        for s in ReceptionSession.objects.select_for_update()
        .filter(pk__in=[booking.session_id, to_session.pk])
        .order_by("pk")
    }
    target = locked[to_session.pk]
    _check_bookable(target, people_count=booking.people_count, digest=booking.id_number_digest, exclude=booking.pk)
    return _booking_transition(booking, to_status=BookingStatus.MOVED, actor=actor, message=message, to_session=target)


@transaction.atomic
def booking_cancel(*, code: str) -> Booking:
    """The citizen cancels with the confirmation code."""
    booking = Booking.objects.filter(confirmation_code=(code or "").strip().upper()).select_related("session").first()
    if booking is None:
        raise ReceptionError(_("No booking has this confirmation code."))
    if booking.session.starts_at <= timezone.now():
        raise ReceptionError(_("The session has already started; the booking can no longer be cancelled."))
    return _booking_transition(booking, to_status=BookingStatus.CANCELLED, actor=None)


# --- The reception book -----------------------------------------------------------------------


@dataclass(frozen=True)
class VisitorData:
    full_name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class RepresentativeData:
    full_name: str
    id_number: str = ""


def _next_serial(unit_id: int, year: int) -> int:
    """Numbers run per unit and year with no gaps; the counter row serialises concurrent officers."""
    BookCounter.objects.get_or_create(unit_id=unit_id, year=year)
    BookCounter.objects.filter(unit_id=unit_id, year=year).update(last=F("last") + 1)
    return BookCounter.objects.filter(unit_id=unit_id, year=year).values_list("last", flat=True).get()


@transaction.atomic
def visit_record(
    *,
    unit: Unit,
    recorded_by: User,
    visitor: VisitorData,
    content: str,
    petition_kind: str = "",
    people_count: int = 1,
    representatives: list[RepresentativeData] = (),
    previously_handled_by: str = "",
    notes: str = "",
    visited_on: datetime.date | None = None,
    session: ReceptionSession | None = None,
    booking: Booking | None = None,
    confidential: bool = False,
) -> Visit:
    """Write a row of the reception book, walk-in or from a booking (which is then marked attended)."""
    ensure_can_write(recorded_by, unit.pk)
    visited_on = visited_on or timezone.localdate()
    if visited_on > timezone.localdate():
        raise ReceptionError(_("A visit cannot be dated in the future."))
    error = representatives_error(people_count, len(representatives))
    if error:
        raise ReceptionError(error)
    if booking is not None:
        session = booking.session
    if session is not None and session.unit_id != unit.pk:
        raise ReceptionError(_("This session belongs to another unit."))
    if booking is not None:
        # First, so that a booking already logged (or cancelled) stops here with a clear message.
        _booking_transition(booking, to_status=BookingStatus.ATTENDED, actor=recorded_by)
    visit = Visit.objects.create(
        unit=unit,
        year=visited_on.year,
        serial=_next_serial(unit.pk, visited_on.year),
        visited_on=visited_on,
        full_name=visitor.full_name.strip(),
        id_number=visitor.id_number.strip(),
        id_number_digest=blind_index(visitor.id_number),
        phone="".join(visitor.phone.split()),
        address=visitor.address.strip(),
        content=content.strip(),
        petition_kind=petition_kind,
        # A denouncer, or a visitor who asks for it, is protected (Law on Denunciations 2018 Art. 47).
        identity_protected=confidential or petition_kind == Kind.DENUNCIATION,
        people_count=people_count,
        previously_handled_by=previously_handled_by.strip(),
        notes=notes.strip(),
        session=session,
        booking=booking,
        recorded_by=recorded_by,
    )
    VisitRepresentative.objects.bulk_create(
        VisitRepresentative(visit=visit, full_name=r.full_name.strip(), id_number=r.id_number.strip(), position=i)
        for i, r in enumerate(representatives)
    )
    return visit


def _set_outcome(visit: Visit, *, actor: User, outcome: str, **fields) -> Visit:
    ensure_can_write(actor, visit.unit_id)
    now = timezone.now()
    updated = Visit.objects.filter(pk=visit.pk, outcome=Outcome.PENDING).update(
        outcome=outcome, outcome_by=actor, outcome_at=now, **fields
    )
    if not updated:
        raise ReceptionError(_("The handling of this visit has already been recorded."))
    for name, value in fields.items():
        setattr(visit, name, value)
    visit.outcome, visit.outcome_by, visit.outcome_at = outcome, actor, now
    return visit


@transaction.atomic
def visit_guide(*, visit: Visit, actor: User, guidance: str) -> Visit:
    guidance = (guidance or "").strip()
    if not guidance:
        raise ReceptionError(_("Write down the guidance given to the citizen."))
    return _set_outcome(visit, actor=actor, outcome=Outcome.GUIDED, guidance=guidance)


@transaction.atomic
def visit_forward(
    *, visit: Visit, actor: User, to_unit: Unit | None = None, to_body: str = "", note: str = ""
) -> Visit:
    to_body = (to_body or "").strip()
    if (to_unit is None) == (not to_body):
        raise ReceptionError(_("Choose either a unit of the portal or name an outside body."))
    if to_unit is not None and to_unit.pk == visit.unit_id:
        raise ReceptionError(_("A visit cannot be forwarded to its own unit."))
    return _set_outcome(
        visit,
        actor=actor,
        outcome=Outcome.FORWARDED,
        forwarded_to=to_unit,
        forwarded_to_body=to_body,
        guidance=note.strip(),
    )


@transaction.atomic
def visit_refuse(*, visit: Visit, actor: User, reason: str, detail: str = "") -> Visit:
    if reason not in RefusalReason.values:
        raise ReceptionError(_("Choose one of the reasons the law allows for refusing reception."))
    return _set_outcome(
        visit, actor=actor, outcome=Outcome.REFUSED, refusal_reason=reason, refusal_detail=detail.strip()
    )


def channel_for(visit: Visit) -> str:
    session = visit.session
    if session is not None and session.held_in_person:
        return Channel.HEAD_RECEPTION
    return Channel.IN_PERSON


@transaction.atomic
def visit_register_petition(*, visit: Visit, actor: User, kind: str, title: str) -> tuple[Petition, str]:
    """Register the visit's matter as a petition, with the visitor's details; returns it with its access key.

    In a session held by the head in person the channel is the head's reception. The head's
    10-working-day written answer (reg11.written_notice) is opened by the head's conclusion, not here.
    """
    ensure_can_write(actor, visit.unit_id)
    if visit.session_id and visit.session.status == SessionStatus.PLANNED:
        raise ReceptionError(
            _("First record who is receiving citizens in this session (the head in person or a delegate).")
        )
    petition, access_key = petition_services.petition_submit(
        kind=kind,
        title=title,
        content=visit.content,
        unit=visit.unit,
        petitioner=petition_services.PetitionerData(
            full_name=visit.full_name, id_number=visit.id_number, phone=visit.phone, address=visit.address
        ),
        channel=channel_for(visit),
        people_count=visit.people_count,
        created_by=actor,
        # A protected visitor stays protected in the petition (Law on Denunciations 2018 Art. 47).
        confidential=visit.identity_protected,
    )
    _set_outcome(
        visit,
        actor=actor,
        outcome=Outcome.PETITION_REGISTERED,
        petition=petition,
        petition_kind=kind,
        # Registered as a denunciation: protected from now on, whatever the kind becomes later.
        identity_protected=visit.identity_protected or kind == Kind.DENUNCIATION,
    )
    return petition, access_key


def may_reveal_visit_identity(*, user: User, visit: Visit) -> bool:
    """Only the current head of the visit's unit and the staff member who logged or handles it.

    Ancestor heads, administrators and inspectors are not among them (Law on Denunciations 2018
    Art. 47, Decree 31/2019): powers follow the current head term, not a past one.
    """
    if not user.is_authenticated:
        return False
    jurisdiction = jurisdiction_for(user)
    if visit.recorded_by_id == user.pk and jurisdiction.has_role(Role.RECEPTION, Role.HEAD, unit_id=visit.unit_id):
        return True
    petition = visit.petition if visit.petition_id else None
    if petition is not None and petition.handler_id == user.pk:
        return jurisdiction.has_role(Role.HANDLER, Role.HEAD, unit_id=visit.unit_id)
    # The head of this very unit in the current term (an ancestor's head or a former head is not).
    return head_on(visit.unit_id, timezone.localdate()) == user.pk


@transaction.atomic
def visit_identity_reveal(*, visit: Visit, actor: User, reason: str) -> dict:
    """Return a protected visitor's identity after writing the access-log row; refused for anyone else."""
    reason = (reason or "").strip()
    if not reason:
        raise ReceptionError(_("Give the reason why you need to see the identity."))
    if not may_reveal_visit_identity(user=actor, visit=visit):
        raise ReceptionError(_("Only the head of the unit and the officer who logged or handles the visit may see it."))
    chain_create(VisitIdentityReveal, visit=visit, user=actor, reason=reason[:2000])
    return {
        "full_name": visit.full_name,
        "id_number": visit.id_number,
        "phone": visit.phone,
        "address": visit.address,
        "representatives": [(r.full_name, r.id_number) for r in visit.representatives.order_by("position")],
    }


@transaction.atomic
def visit_update_follow_up(*, visit: Visit, actor: User, follow_up: str, notes: str) -> Visit:
    ensure_can_write(actor, visit.unit_id)
    visit.follow_up, visit.notes = follow_up.strip(), notes.strip()
    visit.save(update_fields=["follow_up", "notes"])
    return visit


WRITTEN_NOTICE = "reg11.written_notice"


@transaction.atomic
def conclusion_record(*, visit: Visit, actor: User, direction: str, text: str) -> HeadConclusion:
    """The head's conclusion on a case received in a session they held in person.

    Whatever the direction (accept, forward, guide), the citizen is owed a written answer within
    10 working days counted from the reception day (Reg. 11-QĐi/TW): the conclusion opens that
    clock (`reg11.written_notice`), owned by the head, and the recorded written answer meets it.
    """
    session = visit.session
    if session is None or not session.held_in_person or session.held_by_id != actor.pk:
        raise ReceptionError(_("Only the head who received this citizen in person can record the conclusion."))
    if direction not in Direction.values:
        raise ReceptionError(_("Choose how the case is to be handled."))
    text = (text or "").strip()
    if not text:
        raise ReceptionError(_("Write the conclusion."))
    if HeadConclusion.objects.filter(visit=visit).exists():
        raise ReceptionError(_("A conclusion has already been recorded for this case."))
    conclusion = HeadConclusion.objects.create(
        session=session, visit=visit, petition_id=visit.petition_id, direction=direction, text=text, concluded_by=actor
    )
    deadline_services.deadline_open(
        rule_code=WRITTEN_NOTICE,
        subject=conclusion,
        unit=session.unit,
        start=session.date,  # day zero: the reception day, not the day the conclusion was typed in
        owner=actor,
        # No name: notifications must never carry a (possibly protected) visitor's identity.
        label=_("Written answer after the head's reception, visit no. %(n)s/%(y)s")
        % {"n": visit.serial, "y": visit.year},
        url=reverse("reception:visit_detail", args=[visit.pk]),
    )
    return conclusion


@transaction.atomic
def written_answer_record(
    *,
    conclusion: HeadConclusion,
    actor: User,
    answered_on: datetime.date,
    text: str,
    reference: str = "",
) -> WrittenAnswer:
    """Record the written answer sent to the citizen after the head's reception; meets its deadline.

    The head who received the citizen signs it; they or the unit's reception staff record it.
    """
    ensure_can_write(actor, conclusion.session.unit_id)
    if WrittenAnswer.objects.filter(conclusion=conclusion).exists():
        raise ReceptionError(_("The written answer for this case has already been recorded."))
    text = (text or "").strip()
    if not text:
        raise ReceptionError(_("Write the text of the answer."))
    if answered_on > timezone.localdate():
        raise ReceptionError(_("The answer cannot be dated in the future."))
    if answered_on < conclusion.session.date:
        raise ReceptionError(_("The answer cannot be dated before the reception day."))
    try:
        with transaction.atomic():
            answer = WrittenAnswer.objects.create(
                conclusion=conclusion,
                reference=(reference or "").strip(),
                answered_on=answered_on,
                text=text,
                signed_by_id=conclusion.concluded_by_id,
                recorded_by=actor,
            )
    except IntegrityError as exc:
        raise ReceptionError(_("The written answer for this case has already been recorded.")) from exc
    deadline_services.deadline_close(subject=conclusion, rule_code=WRITTEN_NOTICE)
    return answer
