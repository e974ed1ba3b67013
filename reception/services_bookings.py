"""Writes on bookings: a citizen books a place; staff confirm, decline or move it; the citizen cancels."""

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.crypto import blind_index
from core.models import User
from core.notifications import notify
from core.validators import normalize_digits

from .errors import ReceptionError, SessionFull
from .models import (
    ACTIVE_BOOKING_STATUSES,
    BOOKING_TRANSITIONS,
    Booking,
    BookingEvent,
    BookingStatus,
    ReceptionSession,
    SessionStatus,
)
from .policy import ensure_can_write

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
    ).exclude(pk__in=[exclude] if exclude else [])
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
        phone=normalize_digits(phone),
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
