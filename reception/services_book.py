"""Writes on the reception book: visits and their handling, identity reveals, conclusions, written answers."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import chain_create
from core.crypto import blind_index
from core.models import Unit, User
from core.validators import DESTINATION_MESSAGE, destination_given_once, normalize_digits
from deadlines import services as deadline_services
from petitions import services as petition_services
from petitions.models import Channel, Kind, Petition

from .errors import ReceptionError
from .models import (
    BookCounter,
    Booking,
    BookingStatus,
    Direction,
    HeadConclusion,
    Outcome,
    ReceptionSession,
    RefusalReason,
    SessionStatus,
    Visit,
    VisitHistory,
    VisitIdentityReveal,
    VisitRepresentative,
    WrittenAnswer,
)
from .policy import ensure_can_write, may_reveal_visit_identity
from .rules import WRITTEN_NOTICE, representatives_error
from .services_bookings import _booking_transition
from .workflow import VISIT_TRANSITIONS

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
    representatives: Sequence[RepresentativeData] = (),
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
        phone=normalize_digits(visitor.phone),
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


def _set_outcome(visit: Visit, *, actor: User, action: str, **fields) -> Visit:
    """Decide a visit's handling along VISIT_TRANSITIONS: a conditional update and a history row."""
    ensure_can_write(actor, visit.unit_id)
    from_outcomes, outcome, _permission, _reason_required = VISIT_TRANSITIONS[action]
    now = timezone.now()
    updated = Visit.objects.filter(pk=visit.pk, outcome__in=from_outcomes).update(
        outcome=outcome, outcome_by=actor, outcome_at=now, **fields
    )
    if not updated:
        raise ReceptionError(_("The handling of this visit has already been recorded."))
    VisitHistory.objects.create(
        visit=visit, action=action, from_outcome=Outcome.PENDING, to_outcome=outcome, actor=actor
    )
    for name, value in fields.items():
        setattr(visit, name, value)
    visit.outcome, visit.outcome_by, visit.outcome_at = outcome, actor, now
    return visit


@transaction.atomic
def visit_guide(*, visit: Visit, actor: User, guidance: str) -> Visit:
    guidance = (guidance or "").strip()
    if not guidance:
        raise ReceptionError(_("Write down the guidance given to the citizen."))
    return _set_outcome(visit, actor=actor, action="guide", guidance=guidance)


@transaction.atomic
def visit_forward(
    *, visit: Visit, actor: User, to_unit: Unit | None = None, to_body: str = "", note: str = ""
) -> Visit:
    to_body = (to_body or "").strip()
    if not destination_given_once(to_unit, to_body):
        raise ReceptionError(DESTINATION_MESSAGE)
    if to_unit is not None and to_unit.pk == visit.unit_id:
        raise ReceptionError(_("A visit cannot be forwarded to its own unit."))
    return _set_outcome(
        visit,
        actor=actor,
        action="forward",
        forwarded_to=to_unit,
        forwarded_to_body=to_body,
        guidance=note.strip(),
    )


@transaction.atomic
def visit_refuse(*, visit: Visit, actor: User, reason: str, detail: str = "") -> Visit:
    if reason not in RefusalReason.values:
        raise ReceptionError(_("Choose one of the reasons the law allows for refusing reception."))
    return _set_outcome(visit, actor=actor, action="refuse", refusal_reason=reason, refusal_detail=detail.strip())


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
    if visit.session is not None and visit.session.status == SessionStatus.PLANNED:
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
        action="petition",
        petition=petition,
        petition_kind=kind,
        # Registered as a denunciation: protected from now on, whatever the kind becomes later.
        identity_protected=visit.identity_protected or kind == Kind.DENUNCIATION,
    )
    return petition, access_key


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
