"""Every write to a petition goes through here: checks, a conditional update, a history row."""

import datetime
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import chain_create
from core.crypto import blind_index
from core.models import Role, Unit, User
from core.selectors import jurisdiction_for
from core.validators import DESTINATION_MESSAGE, destination_given_once
from deadlines.selectors import filing_limit_for

from . import clocks, hooks, notifications
from .models import (
    CODE_ALPHABET,
    Attachment,
    Channel,
    IdentityReveal,
    Kind,
    Obstacle,
    Petition,
    Petitioner,
    PetitionHistory,
    PetitionNote,
    PetitionRead,
)

# Re-exported: callers and other branches reach these through `petitions.services` too.
from .policy import allowed_actions, may_lift_protection, may_reveal_identity
from .text import access_key_digest, normalize_for_search
from .workflow import (
    ACTION_TARGET,
    REASON_REQUIRED,
    Action,
    Status,
    action_possible_in,
    can_transition,
)


class PetitionError(Exception):
    """A domain rule said no; the message is for the user and already translated."""


@dataclass(frozen=True)
class PetitionerData:
    full_name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


def _ensure_can(user: User, petition: Petition, action: str) -> None:
    if action not in allowed_actions(user=user, petition=petition):
        if not action_possible_in(action, petition.status):
            raise PetitionError(
                _("“%(action)s” is not possible while the petition is “%(status)s”.")
                % {"action": Action(action).label, "status": petition.get_status_display()}
            )
        raise PetitionError(_("You are not allowed to do this on this petition."))


def _record(petition, action, actor, reason="", *, from_status=None, to_status=None, is_public=False, at=None):
    chain_create(
        PetitionHistory,
        created_at=at or timezone.now(),
        petition=petition,
        action=action,
        from_status=from_status or petition.status,
        to_status=to_status or petition.status,
        actor=actor if actor and actor.is_authenticated else None,
        reason=reason,
        is_public=is_public,
    )


def petition_event_record(
    *, petition: Petition, action: str, actor: User | None, reason: str = "", is_public: bool = False
):
    """For other apps: add a row to a petition's history for a decision they recorded (e.g. an extension)."""
    _record(petition, action, actor, reason, is_public=is_public)


def _transition(petition: Petition, *, to_status: str, action: str, actor: User | None, reason: str = "", **fields):
    """Change status only if the row is still in the state we read, then write history and side effects."""
    from_status = petition.status
    if not can_transition(from_status, to_status):
        raise PetitionError(
            _("A petition cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )
    now = timezone.now()
    updated = Petition.objects.filter(pk=petition.pk, status=from_status).update(
        status=to_status, status_changed_at=now, updated_at=now, **fields
    )
    if not updated:
        raise PetitionError(_("This petition was changed by someone else meanwhile. Reload the page and try again."))
    for name, value in fields.items():
        setattr(petition, name, value)
    petition.status, petition.status_changed_at = to_status, now
    _record(petition, action, actor, reason, from_status=from_status, to_status=to_status, is_public=True)
    moved = clocks.deadlines_on_status_change(petition=petition, from_status=from_status, to_status=to_status)
    for text in moved:
        _record(petition, "deadline", actor, text, is_public=True)
    notifications.status_changed(petition=petition)
    return petition


def _require_reason(action: str, reason: str) -> str:
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise PetitionError(_("A written reason is required for this action."))
    return reason


@transaction.atomic
def petition_submit(
    *,
    kind: str,
    title: str,
    content: str,
    unit: Unit,
    petitioner: PetitionerData,
    channel: str = Channel.ONLINE,
    people_count: int = 1,
    citizen: User | None = None,
    created_by: User | None = None,
    uploads: Sequence[tuple] = (),
    is_anonymous: bool = False,
    confidential: bool = False,
    forwarded_from: Petition | None = None,
    appeal_of: Petition | None = None,
    first_decision_on: datetime.date | None = None,
    decision_known_on: datetime.date | None = None,
    received_at: datetime.datetime | None = None,
) -> tuple[Petition, str]:
    """File a petition. Returns it with its access key, which is shown once and stored only as a digest.

    A denunciation, or a petitioner who asks for it, gets identity protection (Law on Denunciations Art. 47).
    """
    received_at = received_at or timezone.now()
    _check_received_at(received_at)
    _check_lengths(title=title, full_name=petitioner.full_name)
    if appeal_of is not None and (kind != Kind.COMPLAINT or appeal_of.kind != Kind.COMPLAINT):
        raise PetitionError(_("Only a complaint can be a second complaint against a first complaint's decision."))
    access_key = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    petition = Petition(
        kind=kind,
        channel=channel,
        title=title.strip(),
        search_text=normalize_for_search(title)[:200],
        content=content.strip(),
        unit=unit,
        people_count=people_count,
        citizen=citizen if citizen and citizen.is_authenticated else None,
        created_by=created_by,
        is_anonymous=is_anonymous,
        identity_protected=confidential or kind == Kind.DENUNCIATION,
        forwarded_from=forwarded_from,
        appeal_of=appeal_of,
        first_decision_on=first_decision_on,
        decision_known_on=decision_known_on,
        received_at=received_at,
    )
    petition.access_key_digest = access_key_digest(petition.tracking_code, access_key)
    petition.save()
    Petitioner.objects.create(
        petition=petition,
        full_name=petitioner.full_name.strip(),
        id_number=petitioner.id_number.strip(),
        phone=petitioner.phone.strip(),
        email=petitioner.email.strip(),
        address=petitioner.address.strip(),
        id_number_digest=blind_index(petitioner.id_number),
        phone_digest=blind_index(petitioner.phone),
        name_search="" if petition.identity_protected else normalize_for_search(petitioner.full_name)[:150],
    )
    for upload, extension, content_type in uploads:
        _attach(petition, upload, extension, content_type, uploaded_by=created_by or citizen)
    # Dated when the petition was received (a posted letter may be registered days later).
    _record(
        petition,
        "receive",
        created_by,
        is_public=True,
        from_status=Status.RECEIVED,
        to_status=Status.RECEIVED,
        at=petition.received_at,
    )
    clocks.deadlines_on_receipt(petition=petition)
    notifications.petition_received(petition=petition)
    if petitioner.email.strip():
        notifications.filing_confirmed(petition=petition, access_key=access_key, address=petitioner.email.strip())
    return petition, access_key


def _check_lengths(*, title: str, full_name: str) -> None:
    """Every caller (form, API, reception) gets a message rather than a silent cut or a database error."""
    limit = Petition._meta.get_field("title").max_length
    if len(title.strip()) > limit:
        raise PetitionError(
            _("The subject has %(n)d characters; at most %(limit)d are allowed. Shorten it.")
            % {"n": len(title.strip()), "limit": limit}
        )
    if len(full_name.strip()) > 150:
        raise PetitionError(_("The name has more than 150 characters; shorten it."))


@transaction.atomic
def petition_access_key_reset(*, code: str, email: str) -> bool:
    """“Forgot my access key”: a new key to the e-mail on record, the old one revoked at once.

    Returns whether it matched; the caller must answer the same either way (no enumeration).
    """
    petition = Petition.objects.select_for_update().filter(tracking_code=code).first()
    petitioner = Petitioner.objects.filter(petition=petition).first() if petition else None
    on_record = (petitioner.email if petitioner else "").strip().lower()
    given = (email or "").strip().lower()
    if not (on_record and given and hmac.compare_digest(on_record.encode(), given.encode())):
        return False
    access_key = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    Petition.objects.filter(pk=petition.pk).update(
        access_key_digest=access_key_digest(petition.tracking_code, access_key), updated_at=timezone.now()
    )
    # Not public, and naming no address: the trail shows when a key was replaced, for the inspectors.
    _record(petition, "key_reset", None)
    notifications.access_key_sent(petition=petition, access_key=access_key, address=petitioner.email.strip())
    return True


def _check_received_at(received_at: datetime.datetime) -> None:
    """A date of receipt in the future, or older than the configured limit, is a typing error."""
    received_on = timezone.localtime(received_at).date()
    today = timezone.localdate()
    if received_on > today:
        raise PetitionError(_("The date of receipt cannot be in the future."))
    max_age = settings.PETITION_RECEIVED_MAX_AGE_DAYS
    if (today - received_on).days > max_age:
        raise PetitionError(
            _("The date of receipt %(date)s is more than %(days)d days ago; check the date.")
            % {"date": f"{received_on:%d/%m/%Y}", "days": max_age}
        )


def _attach(petition, upload, extension, content_type, *, uploaded_by=None, is_decision=False) -> Attachment:
    attachment = Attachment(
        petition=petition,
        original_name=upload.name[:200],
        extension=extension,
        content_type=content_type,
        size=upload.size,
        is_decision=is_decision,
        uploaded_by=uploaded_by if uploaded_by and uploaded_by.is_authenticated else None,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def petition_classify(
    *,
    petition: Petition,
    actor: User,
    kind: str,
    is_complex: bool,
    is_remote: bool,
    is_especially_complex: bool = False,
    decision_known_on: datetime.date | None = None,
    reason: str = "",
) -> Petition:
    """Kind, complexity, remoteness and the date the decision became known: each change is a recorded decision."""
    _ensure_can(actor, petition, Action.CLASSIFY)
    reason = (reason or "").strip()
    is_complex = is_complex or is_especially_complex
    # Law on Denunciations 2018 Art. 25: anonymous content is information, never a denunciation; once a
    # case is accepted, turning it into a denunciation would start a denunciation clock.
    if kind == Kind.DENUNCIATION and petition.is_anonymous and petition.status != Status.RECEIVED:
        raise PetitionError(
            _("An anonymous petition is not handled as a denunciation (Law on Denunciations, Art. 25).")
        )
    changes = []
    if kind != petition.kind:
        changes.append(_("kind: %(old)s → %(new)s") % {"old": petition.get_kind_display(), "new": Kind(kind).label})
    if is_complex != petition.is_complex:
        changes.append(_("complex: %(v)s") % {"v": _("yes") if is_complex else _("no")})
    if is_especially_complex != petition.is_especially_complex:
        changes.append(_("especially complex: %(v)s") % {"v": _("yes") if is_especially_complex else _("no")})
    if is_remote != petition.is_remote:
        changes.append(_("remote area: %(v)s") % {"v": _("yes") if is_remote else _("no")})
    if decision_known_on and decision_known_on != petition.decision_known_on:
        changes.append(_("decision known on: %(d)s") % {"d": f"{decision_known_on:%d/%m/%Y}"})
    if not changes:
        raise PetitionError(_("Nothing was changed."))
    complexity_changed = (is_complex, is_especially_complex) != (petition.is_complex, petition.is_especially_complex)
    if complexity_changed and not reason:
        raise PetitionError(_("Give the reason for the decision on the case's complexity."))
    petition.kind, petition.is_complex, petition.is_remote = kind, is_complex, is_remote
    petition.is_especially_complex = is_especially_complex
    petition.decision_known_on = decision_known_on or petition.decision_known_on
    # Protection survives any reclassification; a petition that turns out to denounce someone gains it.
    gains_protection = kind == Kind.DENUNCIATION and not petition.identity_protected
    petition.identity_protected = petition.identity_protected or gains_protection
    petition.save(
        update_fields=[
            "kind",
            "is_complex",
            "is_especially_complex",
            "is_remote",
            "decision_known_on",
            "identity_protected",
            "updated_at",
        ]
    )
    _record(petition, Action.CLASSIFY, actor, "; ".join(changes + ([reason] if reason else [])))
    if gains_protection:
        Petitioner.objects.filter(petition=petition).update(name_search="")
        _record(petition, "protect", actor, _("The petition was reclassified as a denunciation."))
    clocks.deadlines_on_reclassify(petition=petition)
    return petition


@transaction.atomic
def petition_accept(*, petition: Petition, actor: User, reason: str = "", late_obstacle: str = "") -> Petition:
    """Accept (thụ lý). A complaint past its filing limit needs a recorded legitimate obstacle (Art. 9)."""
    _ensure_can(actor, petition, Action.ACCEPT)
    reason = (reason or "").strip()
    if petition.is_denunciation and petition.is_anonymous:
        raise PetitionError(
            _("An anonymous denunciation is not handled as a denunciation: file it as information instead.")
        )
    limit = filing_limit_for(petition)
    fields: dict[str, Any] = {"accepted_at": timezone.now()}
    if limit is not None and not limit.admissible:
        if not limit.excusable:
            raise PetitionError(limit.message)
        if late_obstacle not in Obstacle.values or not reason:
            raise PetitionError(
                _(
                    "%(problem)s Accept it only with a legitimate obstacle and its description "
                    "(Law on Complaints, Art. 9), or reject it as out of time."
                )
                % {"problem": limit.message}
            )
        fields["late_obstacle"] = late_obstacle
        reason = _("Filed late, accepted for a legitimate obstacle (%(obstacle)s): %(reason)s") % {
            "obstacle": Obstacle(late_obstacle).label,
            "reason": reason,
        }
    return _transition(petition, to_status=Status.ACCEPTED, action=Action.ACCEPT, actor=actor, reason=reason, **fields)


@transaction.atomic
def petition_forward(
    *, petition: Petition, actor: User, reason: str, to_unit: Unit | None = None, to_body: str = ""
) -> Petition:
    """Forward to a unit of the portal (a new linked petition is opened there) or to an outside body."""
    _ensure_can(actor, petition, Action.FORWARD)
    reason = _require_reason(Action.FORWARD, reason)
    if not destination_given_once(to_unit, to_body):
        raise PetitionError(DESTINATION_MESSAGE)
    if to_unit is not None and to_unit.pk == petition.unit_id:
        raise PetitionError(_("A petition cannot be forwarded to its own unit."))
    _transition(
        petition,
        to_status=Status.FORWARDED,
        action=Action.FORWARD,
        actor=actor,
        reason=reason,
        forwarded_to=to_unit,
        forwarded_to_body=to_body.strip(),
    )
    if to_unit is not None:
        source = petition.petitioner
        petition_submit(
            kind=petition.kind,
            title=petition.title,
            content=petition.content,
            unit=to_unit,
            petitioner=PetitionerData(
                full_name=source.full_name,
                id_number=source.id_number,
                phone=source.phone,
                email=source.email,
                address=source.address,
            ),
            channel=Channel.FORWARDED,
            people_count=petition.people_count,
            citizen=petition.citizen,
            created_by=actor,
            is_anonymous=petition.is_anonymous,
            confidential=petition.identity_protected,
            decision_known_on=petition.decision_known_on,
            forwarded_from=petition,
        )
    return petition


def _simple(action: str, petition: Petition, actor: User, reason: str) -> Petition:
    _ensure_can(actor, petition, action)
    reason = _require_reason(action, reason)
    return _transition(petition, to_status=ACTION_TARGET[action], action=action, actor=actor, reason=reason)


@transaction.atomic
def petition_guide(*, petition: Petition, actor: User, reason: str = "") -> Petition:
    return _simple(Action.GUIDE, petition, actor, reason)


@transaction.atomic
def petition_reject(*, petition: Petition, actor: User, reason: str = "") -> Petition:
    return _simple(Action.REJECT, petition, actor, reason)


@transaction.atomic
def petition_start(*, petition: Petition, actor: User, reason: str = "") -> Petition:
    return _simple(Action.START, petition, actor, reason)


@transaction.atomic
def petition_suspend(*, petition: Petition, actor: User, reason: str = "") -> Petition:
    """Suspend handling: the open deadlines stand still until it resumes (Law on Denunciations Art. 36)."""
    return _simple(Action.SUSPEND, petition, actor, reason)


@transaction.atomic
def petition_close(*, petition: Petition, actor: User, reason: str = "") -> Petition:
    return _simple(Action.CLOSE, petition, actor, reason)


@transaction.atomic
def petition_withdraw(
    *, petition: Petition, actor: User, reason: str = "", signs_of_violation: bool = False
) -> Petition:
    """The petitioner withdraws. A denunciation whose handler found signs of a violation goes on being
    handled (Law on Denunciations 2018 Art. 33): the withdrawal is recorded, the status does not change."""
    if not signs_of_violation:
        return _simple(Action.WITHDRAW, petition, actor, reason)
    _ensure_can(actor, petition, Action.WITHDRAW)
    reason = _require_reason(Action.WITHDRAW, reason)
    if not petition.is_denunciation or petition.status == Status.RECEIVED:
        raise PetitionError(_("Only an accepted denunciation goes on being handled after a withdrawal."))
    _record(
        petition,
        "withdraw_noted",
        actor,
        _("Withdrawal recorded; handling continues because there are signs of a violation (Art. 33): %(reason)s")
        % {"reason": reason},
        is_public=True,
    )
    return petition


@transaction.atomic
def petition_file(*, petition: Petition, actor: User, reason: str, duplicate_of: Petition | None = None) -> Petition:
    """File without action: a duplicate (linked to its original), ineligible or anonymous petition."""
    _ensure_can(actor, petition, Action.FILE)
    reason = _require_reason(Action.FILE, reason)
    if duplicate_of is not None and duplicate_of.pk == petition.pk:
        raise PetitionError(_("A petition cannot be a duplicate of itself."))
    return _transition(
        petition, to_status=Status.FILED, action=Action.FILE, actor=actor, reason=reason, duplicate_of=duplicate_of
    )


@transaction.atomic
def petition_resume(*, petition: Petition, actor: User, reason: str = "") -> Petition:
    _ensure_can(actor, petition, Action.RESUME)
    suspended = petition.history.filter(to_status=Status.SUSPENDED).exclude(from_status=Status.SUSPENDED).last()
    back_to = suspended.from_status if suspended else Status.ACCEPTED
    return _transition(petition, to_status=back_to, action=Action.RESUME, actor=actor, reason=reason)


@transaction.atomic
def petition_resolve(*, petition: Petition, actor: User, decision_text: str, decision_file=None) -> Petition:
    """Issue the decision, conclusion or reply; `decision_file` is a validated (upload, ext, type) tuple."""
    _ensure_can(actor, petition, Action.RESOLVE)
    decision_text = _require_reason(Action.RESOLVE, decision_text)
    for guard in hooks.resolve_guards:  # rules of higher apps (e.g. a required dialogue)
        if message := guard(petition):
            raise PetitionError(message)
    _transition(
        petition,
        to_status=Status.RESOLVED,
        action=Action.RESOLVE,
        actor=actor,
        reason=decision_text,
        decision_text=decision_text,
    )
    if decision_file:
        _attach(petition, *decision_file, uploaded_by=actor, is_decision=True)
    return petition


@transaction.atomic
def petition_assign(*, petition: Petition, actor: User, handler: User) -> Petition:
    """Assign (or reassign) the handler; an accepted petition starts being handled at once."""
    _ensure_can(actor, petition, Action.ASSIGN)
    if not jurisdiction_for(handler).has_role(Role.HANDLER, Role.HEAD, unit_id=petition.unit_id):
        raise PetitionError(_("%(name)s cannot handle petitions of this unit.") % {"name": handler.display_name})
    if handler.pk == petition.handler_id:
        raise PetitionError(_("%(name)s is already the handler.") % {"name": handler.display_name})
    petition.handler = handler
    petition.save(update_fields=["handler", "updated_at"])
    _record(petition, Action.ASSIGN, actor, _("Assigned to %(name)s") % {"name": handler.display_name})
    notifications.petition_assigned(petition=petition)
    if petition.status == Status.ACCEPTED:
        _transition(petition, to_status=Status.IN_PROGRESS, action=Action.START, actor=actor)
    return petition


@transaction.atomic
def petition_note_add(*, petition: Petition, actor: User, text: str) -> PetitionNote:
    _ensure_can(actor, petition, Action.NOTE)
    text = (text or "").strip()
    if not text:
        raise PetitionError(_("The note is empty."))
    note = PetitionNote.objects.create(petition=petition, author=actor, text=text)
    _record(petition, Action.NOTE, actor)
    return note


@transaction.atomic
def petition_citizen_withdraw(*, petition: Petition, citizen: User, reason: str) -> Petition:
    """A registered citizen withdraws their own petition."""
    if petition.citizen_id != citizen.pk:
        raise PetitionError(_("You are not allowed to do this on this petition."))
    reason = _require_reason(Action.WITHDRAW, reason)
    if not action_possible_in(Action.WITHDRAW, petition.status):
        raise PetitionError(_("This petition can no longer be withdrawn."))
    return _transition(petition, to_status=Status.WITHDRAWN, action=Action.WITHDRAW, actor=citizen, reason=reason)


@transaction.atomic
def petition_protection_lift(*, petition: Petition, actor: User, reason: str) -> Petition:
    """Lift a petitioner's identity protection: only the current head of the unit, with a recorded reason."""
    reason = (reason or "").strip()
    if not reason:
        raise PetitionError(_("A written reason is required for this action."))
    if not petition.identity_protected:
        raise PetitionError(_("This petitioner's identity is not protected."))
    if not may_lift_protection(user=actor, petition=petition):
        raise PetitionError(_("Only the head of the unit may lift the protection of an identity."))
    updated = Petition.objects.filter(pk=petition.pk, identity_protected=True).update(
        identity_protected=False, updated_at=timezone.now()
    )
    if not updated:
        raise PetitionError(_("This petition was changed by someone else meanwhile. Reload the page and try again."))
    petition.identity_protected = False
    source = Petitioner.objects.filter(petition=petition).first()
    if source is not None:
        Petitioner.objects.filter(pk=source.pk).update(name_search=normalize_for_search(source.full_name)[:150])
    _record(petition, "unprotect", actor, reason)
    return petition


@transaction.atomic
def petitioner_reveal(*, petition: Petition, actor: User, reason: str) -> PetitionerData:
    """Return the decrypted identity after writing the access-log row; refused for anyone else."""
    reason = (reason or "").strip()
    if not reason:
        raise PetitionError(_("Give the reason why you need to see the identity."))
    if not may_reveal_identity(user=actor, petition=petition):
        raise PetitionError(_("Only the assigned handler and the head of the unit may see this identity."))
    chain_create(IdentityReveal, petition=petition, user=actor, reason=reason[:2000])
    source = Petitioner.objects.get(petition=petition)
    return PetitionerData(
        full_name=source.full_name,
        id_number=source.id_number,
        phone=source.phone,
        email=source.email,
        address=source.address,
    )


def petition_read_record(*, petition: Petition, actor: User, via: str = PetitionRead.Via.PAGE) -> None:
    """Log a staff read of a petition's detail: one INSERT, in the request's transaction."""
    PetitionRead.objects.create(petition_id=petition.pk, user_id=actor.pk, via=via)
