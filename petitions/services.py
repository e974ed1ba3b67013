"""Every write to a petition goes through here: checks, a conditional update, a history row."""

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import chain_create
from core.crypto import blind_index
from core.models import Role, Unit, User
from core.selectors import jurisdiction_for, unit_current_head
from deadlines import services as deadline_services

from . import notifications
from .models import (
    CODE_ALPHABET,
    Attachment,
    Channel,
    IdentityReveal,
    Kind,
    Petition,
    Petitioner,
    PetitionHistory,
    PetitionNote,
    PetitionRead,
)
from .workflow import (
    ACTION_ROLES,
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


def access_key_digest(code: str, key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{code}:{key.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def normalize_for_search(text: str) -> str:
    """Lower case without diacritics, so "Nguyễn" is found by "nguyen"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def allowed_actions(*, user: User, petition: Petition) -> list[str]:
    """The actions this user may take on this petition now, in the order of Action."""
    jurisdiction = jurisdiction_for(user)
    result = []
    for action in Action.values:
        roles = {r for r in ACTION_ROLES[action] if jurisdiction.has_role(r, unit_id=petition.unit_id)}
        if roles == {Role.HANDLER} and petition.handler_id != user.pk:
            roles = set()
        if roles and action_possible_in(action, petition.status):
            result.append(action)
    return result


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
    deadline_services.deadlines_on_status_change(petition=petition, from_status=from_status, to_status=to_status)
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
    uploads: list[tuple] = (),
    is_anonymous: bool = False,
    previous: Petition | None = None,
    received_at=None,
) -> tuple[Petition, str]:
    """File a petition. Returns it with its access key, which is shown once and stored only as a digest."""
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
        previous=previous,
        received_at=received_at or timezone.now(),
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
        name_search="" if kind == Kind.DENUNCIATION else normalize_for_search(petitioner.full_name)[:150],
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
    deadline_services.deadlines_on_receipt(petition=petition)
    notifications.petition_received(petition=petition)
    return petition, access_key


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
    *, petition: Petition, actor: User, kind: str, is_complex: bool, is_remote: bool, reason: str = ""
) -> Petition:
    _ensure_can(actor, petition, Action.CLASSIFY)
    changes = []
    if kind != petition.kind:
        changes.append(_("kind: %(old)s → %(new)s") % {"old": petition.get_kind_display(), "new": Kind(kind).label})
    if is_complex != petition.is_complex:
        changes.append(_("complex: %(v)s") % {"v": _("yes") if is_complex else _("no")})
    if is_remote != petition.is_remote:
        changes.append(_("remote area: %(v)s") % {"v": _("yes") if is_remote else _("no")})
    if not changes:
        raise PetitionError(_("Nothing was changed."))
    petition.kind, petition.is_complex, petition.is_remote = kind, is_complex, is_remote
    petition.save(update_fields=["kind", "is_complex", "is_remote", "updated_at"])
    if kind == Kind.DENUNCIATION:
        Petitioner.objects.filter(petition=petition).update(name_search="")
    _record(petition, Action.CLASSIFY, actor, "; ".join(changes + ([reason] if reason else [])))
    deadline_services.deadlines_on_reclassify(petition=petition)
    return petition


@transaction.atomic
def petition_accept(*, petition: Petition, actor: User, reason: str = "") -> Petition:
    _ensure_can(actor, petition, Action.ACCEPT)
    if petition.is_denunciation and petition.is_anonymous:
        raise PetitionError(
            _("An anonymous denunciation is not handled as a denunciation: file it as information instead.")
        )
    return _transition(
        petition,
        to_status=Status.ACCEPTED,
        action=Action.ACCEPT,
        actor=actor,
        reason=reason,
        accepted_at=timezone.now(),
    )


@transaction.atomic
def petition_forward(
    *, petition: Petition, actor: User, reason: str, to_unit: Unit | None = None, to_body: str = ""
) -> Petition:
    """Forward to a unit of the portal (a new linked petition is opened there) or to an outside body."""
    _ensure_can(actor, petition, Action.FORWARD)
    reason = _require_reason(Action.FORWARD, reason)
    if (to_unit is None) == (not to_body.strip()):
        raise PetitionError(_("Choose either a unit of the portal or name an outside body."))
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
            previous=petition,
        )
    return petition


def _simple_transition(action: str):
    @transaction.atomic
    def service(*, petition: Petition, actor: User, reason: str = "") -> Petition:
        _ensure_can(actor, petition, action)
        reason = _require_reason(action, reason)
        return _transition(petition, to_status=ACTION_TARGET[action], action=action, actor=actor, reason=reason)

    service.__name__ = f"petition_{action}"
    return service


petition_guide = _simple_transition(Action.GUIDE)
petition_reject = _simple_transition(Action.REJECT)
petition_start = _simple_transition(Action.START)
petition_suspend = _simple_transition(Action.SUSPEND)
petition_withdraw = _simple_transition(Action.WITHDRAW)
petition_close = _simple_transition(Action.CLOSE)


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


def may_reveal_identity(*, user: User, petition: Petition) -> bool:
    """Only the assigned handler and the current head of the petition's unit may see a denouncer."""
    if not user.is_authenticated or not jurisdiction_for(user).is_staff:
        return False
    if petition.handler_id is not None and petition.handler_id == user.pk:
        return jurisdiction_for(user).has_role(Role.HANDLER, Role.HEAD, unit_id=petition.unit_id)
    if not jurisdiction_for(user).has_role(Role.HEAD, unit_id=petition.unit_id):
        return False
    head = unit_current_head(petition.unit)
    return head is not None and head.pk == user.pk


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
