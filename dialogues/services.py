"""Every write to dialogues, minutes and follow-up actions: checks, a conditional update, an event row.

Permission failures raise DialogueDenied (pages answer 403); broken domain rules raise DialogueError
with a translated message for the user.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import chain_create
from core.models import Unit, User
from core.notifications import notify
from core.selectors import jurisdiction_for, unit_current_head
from petitions import notifications as petition_notifications
from petitions import services as petition_services
from petitions.models import Kind, Petition

from . import clocks, policy
from .models import (
    Dialogue,
    DialogueEvent,
    DialoguePetition,
    DialogueRequirement,
    FollowUpAction,
    Hotspot,
    HotspotEvent,
    Minutes,
)
from .workflow import (
    ACTION_TRANSITIONS,
    DIALOGUE_TRANSITIONS,
    HOTSPOT_TRANSITIONS,
    MINUTES_TRANSITIONS,
    ActionStatus,
    DialogueStatus,
    HotspotStatus,
    MinutesStatus,
    possible,
)


class DialogueError(Exception):
    """A domain rule said no; the message is for the user and already translated."""


class DialogueDenied(DialogueError):
    """The user may not do this (pages answer 403)."""


def _event(dialogue, action, actor, *, from_status="", to_status="", reason="", target="dialogue", target_id=None):
    chain_create(
        DialogueEvent,
        dialogue=dialogue,
        target=target,
        target_id=target_id,
        action=action,
        from_status=from_status,
        to_status=to_status or from_status,
        actor=actor if actor and actor.is_authenticated else None,
        reason=reason,
    )


def _transition(model, table, obj, action: str, actor: User | None, reason: str = "", **fields):
    """Check the table, change the row only if it is still in the state read, and return (from, to)."""
    reason = (reason or "").strip()
    if not possible(table, action, obj.status):
        raise DialogueError(
            _("This is not possible while the status is “%(status)s”.") % {"status": obj.get_status_display()}
        )
    _from_states, to_status, reason_required = table[action]
    if reason_required and not reason:
        raise DialogueError(_("A written reason is required for this action."))
    from_status = obj.status
    updated = model.objects.filter(pk=obj.pk, status=from_status).update(status=to_status, **fields)
    if not updated:
        raise DialogueError(_("This was changed by someone else meanwhile. Reload the page and try again."))
    obj.status = to_status
    for name, value in fields.items():
        setattr(obj, name, value)
    return from_status, to_status


def dialogue_url(dialogue: Dialogue) -> str:
    return reverse("dialogues:detail", args=[dialogue.pk])


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "H:i d/m/Y")


def _where(dialogue: Dialogue) -> str:
    return ", ".join(part for part in (dialogue.place, dialogue.online_link) if part)


def _petition_event(petitions, *, actor, reason: str, is_public: bool) -> None:
    for petition in petitions:
        petition_services.petition_event_record(
            petition=petition, action="dialogue", actor=actor, reason=reason, is_public=is_public
        )


def _invite(dialogue: Dialogue, petitions, *, title: str) -> None:
    """Citizens with an account get a notification; everyone sees the invitation by tracking code.

    The text names the dialogue, its time and place only: no other citizen, no internal note.
    """
    body = _("Time: %(when)s. Place: %(where)s.") % {"when": _when(dialogue.scheduled_at), "where": _where(dialogue)}
    if dialogue.what_to_bring:
        body += " " + _("Please bring: %(what)s") % {"what": dialogue.what_to_bring}
    for petition in petitions:
        if petition.citizen_id:
            notify(
                recipients=[petition.citizen],
                title=title % {"code": petition.tracking_code},
                body=body,
                url=reverse("petitions:my_detail", args=[petition.tracking_code]),
            )
        else:  # filed without an account: to the e-mail address given on the form, if any
            petition_notifications.citizen_notify(
                petition=petition, title=title % {"code": petition.tracking_code}, body=body
            )


def _check_chair(*, unit: Unit, chair: User, delegate_reason: str) -> str:
    delegate_reason = (delegate_reason or "").strip()
    head = unit_current_head(unit)
    if head is not None and chair.pk == head.pk:
        return ""
    if not jurisdiction_for(chair).has_role(*policy.ORGANISERS, unit_id=unit.pk):
        raise DialogueError(_("%(name)s does not work in this unit.") % {"name": chair.display_name})
    if not delegate_reason:
        raise DialogueError(_("When the head does not chair, give the reason for delegating."))
    return delegate_reason


def _check_time(scheduled_at: datetime.datetime, place: str, online_link: str) -> None:
    if scheduled_at <= timezone.now():
        raise DialogueError(_("Choose a time in the future."))
    if not (place or "").strip() and not (online_link or "").strip():
        raise DialogueError(_("Give a place or an online link."))


@transaction.atomic
def dialogue_schedule(
    *,
    actor: User,
    unit: Unit,
    subject: str,
    scheduled_at: datetime.datetime,
    chair: User,
    petitions: list[Petition] = (),
    visits: list = (),
    hotspot: Hotspot | None = None,
    place: str = "",
    online_link: str = "",
    what_to_bring: str = "",
    agenda: str = "",
    delegate_reason: str = "",
    other_participants: str = "",
) -> Dialogue:
    if not policy.can_schedule(actor, unit.pk):
        raise DialogueDenied(_("You may not schedule dialogues for this unit."))
    petitions = list(petitions)
    if not petitions and not visits and hotspot is None:
        raise DialogueError(_("Choose at least one petition, visit or hotspot the dialogue is about."))
    outside = [p.tracking_code for p in petitions if p.unit_id != unit.pk and not p.unit.path.startswith(unit.path)]
    if outside:
        raise DialogueError(_("These petitions are not of this unit: %(codes)s") % {"codes": ", ".join(outside)})
    _check_time(scheduled_at, place, online_link)
    delegate_reason = _check_chair(unit=unit, chair=chair, delegate_reason=delegate_reason)
    dialogue = Dialogue.objects.create(
        unit=unit,
        subject=subject.strip(),
        agenda=agenda.strip(),
        scheduled_at=scheduled_at,
        place=place.strip(),
        online_link=online_link.strip(),
        what_to_bring=what_to_bring.strip(),
        chair=chair,
        delegate_reason=delegate_reason,
        other_participants=other_participants.strip(),
        hotspot=hotspot,
        created_by=actor,
    )
    DialoguePetition.objects.bulk_create([DialoguePetition(dialogue=dialogue, petition=p) for p in petitions])
    if visits:
        dialogue.visits.set(visits)
    _event(dialogue, "schedule", actor, to_status=DialogueStatus.SCHEDULED, reason=_when(scheduled_at))
    _petition_event(
        petitions,
        actor=actor,
        reason=_("Dialogue %(code)s scheduled: %(when)s, %(where)s")
        % {"code": dialogue.code, "when": _when(scheduled_at), "where": _where(dialogue)},
        is_public=True,
    )
    _invite(dialogue, petitions, title=_("Invitation to a dialogue about your petition %(code)s"))
    if chair.pk != actor.pk:
        notify(
            recipients=[chair],
            title=_("You chair dialogue %(code)s on %(when)s") % {"code": dialogue.code, "when": _when(scheduled_at)},
            body=dialogue.subject,
            url=dialogue_url(dialogue),
        )
    return dialogue


def _ensure_organiser(actor: User, dialogue: Dialogue) -> None:
    """Permission first (403), then the state table (a clear message)."""
    if not policy.can_schedule(actor, dialogue.unit_id):
        raise DialogueDenied(_("You are not allowed to do this on this dialogue."))


@transaction.atomic
def dialogue_reschedule(
    *,
    dialogue: Dialogue,
    actor: User,
    scheduled_at: datetime.datetime,
    reason: str,
    place: str | None = None,
    online_link: str | None = None,
) -> Dialogue:
    _ensure_organiser(actor, dialogue)
    place = dialogue.place if place is None else place.strip()
    online_link = dialogue.online_link if online_link is None else online_link.strip()
    _check_time(scheduled_at, place, online_link)
    old = dialogue.scheduled_at
    from_status, to_status = _transition(
        Dialogue,
        DIALOGUE_TRANSITIONS,
        dialogue,
        "reschedule",
        actor,
        reason,
        scheduled_at=scheduled_at,
        place=place,
        online_link=online_link,
        status_reason=reason.strip(),
    )
    _event(
        dialogue,
        "reschedule",
        actor,
        from_status=from_status,
        to_status=to_status,
        reason=_("%(old)s → %(new)s: %(reason)s") % {"old": _when(old), "new": _when(scheduled_at), "reason": reason},
    )
    petitions = list(dialogue.petitions.all())
    _petition_event(
        petitions,
        actor=actor,
        reason=_("Dialogue %(code)s moved to %(when)s, %(where)s")
        % {"code": dialogue.code, "when": _when(scheduled_at), "where": _where(dialogue)},
        is_public=True,
    )
    _invite(dialogue, petitions, title=_("The dialogue about your petition %(code)s was rescheduled"))
    return dialogue


@transaction.atomic
def dialogue_cancel(*, dialogue: Dialogue, actor: User, reason: str) -> Dialogue:
    _ensure_organiser(actor, dialogue)
    from_status, to_status = _transition(
        Dialogue, DIALOGUE_TRANSITIONS, dialogue, "cancel", actor, reason, status_reason=(reason or "").strip()
    )
    _event(dialogue, "cancel", actor, from_status=from_status, to_status=to_status, reason=reason.strip())
    petitions = list(dialogue.petitions.all())
    # The citizen learns that it is cancelled, not the internal reason.
    _petition_event(
        petitions, actor=actor, reason=_("Dialogue %(code)s was cancelled.") % {"code": dialogue.code}, is_public=True
    )
    for petition in petitions:
        if petition.citizen_id:
            notify(
                recipients=[petition.citizen],
                title=_("The dialogue about your petition %(code)s was cancelled") % {"code": petition.tracking_code},
                url=reverse("petitions:my_detail", args=[petition.tracking_code]),
            )
        else:
            petition_notifications.citizen_notify(
                petition=petition,
                title=_("The dialogue about your petition %(code)s was cancelled") % {"code": petition.tracking_code},
            )
    return dialogue


@transaction.atomic
def dialogue_hold(*, dialogue: Dialogue, actor: User) -> Dialogue:
    """Record that the dialogue took place; the minutes clock starts on its day."""
    _ensure_organiser(actor, dialogue)
    if not policy.is_chair_or_head(actor, dialogue):
        raise DialogueDenied(_("Only the chair or the head records that the dialogue was held."))
    if timezone.localdate() < timezone.localtime(dialogue.scheduled_at).date():
        raise DialogueError(_("A dialogue can be recorded as held only from its day on."))
    now = timezone.now()
    from_status, to_status = _transition(Dialogue, DIALOGUE_TRANSITIONS, dialogue, "hold", actor, held_at=now)
    _event(dialogue, "hold", actor, from_status=from_status, to_status=to_status)
    _petition_event(
        list(dialogue.petitions.all()),
        actor=actor,
        reason=_("Dialogue %(code)s was held.") % {"code": dialogue.code},
        is_public=True,
    )
    clocks.open_clock(
        rule_code=clocks.MINUTES,
        subject=dialogue,
        unit=dialogue.unit,
        start=timezone.localtime(now).date(),
        owner=dialogue.chair,
        label=_("Minutes of dialogue %(code)s") % {"code": dialogue.code},
        url=dialogue_url(dialogue),
    )
    if dialogue.hotspot_id:
        _hotspot_answered(dialogue, actor)
    return dialogue


def _hotspot_answered(dialogue: Dialogue, actor: User) -> None:
    """The head has talked with the people of a confirmed hotspot: its response clock is met and it is handled."""
    hotspot = dialogue.hotspot
    head = unit_current_head(hotspot.unit)
    if head is None or head.pk != dialogue.chair_id:
        return
    clocks.close_clock(subject=hotspot, rule_code=clocks.HOTSPOT)
    if hotspot.status == HotspotStatus.CONFIRMED:
        reason = _("Dialogue %(code)s chaired by the head was held.") % {"code": dialogue.code}
        from_status, to_status = _transition(
            Hotspot, HOTSPOT_TRANSITIONS, hotspot, "handle", actor, reason, status_reason=reason,
            updated_at=timezone.now(),
        )  # fmt: skip
        chain_create(
            HotspotEvent,
            hotspot=hotspot,
            action="handle",
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            reason=reason,
        )


# --- Minutes ------------------------------------------------------------------------------------

MINUTES_FIELDS = ("attendees", "citizen_statements", "authority_statements", "agreed", "disputed")


def current_minutes(dialogue: Dialogue) -> Minutes | None:
    return Minutes.objects.filter(dialogue=dialogue).order_by("-version").first()


@transaction.atomic
def minutes_save(*, dialogue: Dialogue, actor: User, **content: str) -> Minutes:
    """Write the draft (the first version, or the open correction). Finalised versions are locked."""
    if "minutes_write" not in policy.dialogue_actions(actor, dialogue):
        if dialogue.status != DialogueStatus.HELD and policy.can_schedule(actor, dialogue.unit_id):
            raise DialogueError(_("Minutes are written after the dialogue has been held."))
        raise DialogueDenied(_("You are not allowed to do this on this dialogue."))
    unknown = set(content) - set(MINUTES_FIELDS)
    if unknown:
        raise TypeError(f"Unknown minutes fields: {sorted(unknown)}")
    values = {name: (content.get(name) or "").strip() for name in MINUTES_FIELDS}
    if not values["attendees"]:
        raise DialogueError(_("List who attended."))
    latest = Minutes.objects.select_for_update().filter(dialogue=dialogue).order_by("-version").first()
    if latest is not None and latest.is_final:
        raise DialogueError(_("These minutes are finalised and locked. Start a correction to change them."))
    if latest is None:
        minutes = Minutes.objects.create(dialogue=dialogue, version=1, written_by=actor, **values)
        _event(
            dialogue,
            "minutes_draft",
            actor,
            to_status=MinutesStatus.DRAFT,
            target="minutes",
            target_id=minutes.pk,
        )
        return minutes
    Minutes.objects.filter(pk=latest.pk, status=MinutesStatus.DRAFT).update(written_by=actor, **values)
    latest.refresh_from_db()
    return latest


@transaction.atomic
def minutes_finalise(*, minutes: Minutes, actor: User) -> Minutes:
    dialogue = minutes.dialogue
    if "finalise" not in policy.dialogue_actions(actor, dialogue, draft=minutes):
        if minutes.is_final:
            raise DialogueError(_("These minutes are already finalised."))
        raise DialogueDenied(_("Only the chair or the head finalises the minutes."))
    from_status, to_status = _transition(
        Minutes, MINUTES_TRANSITIONS, minutes, "finalise", actor, finalised_by=actor, finalised_at=timezone.now()
    )
    _event(
        dialogue,
        "finalise",
        actor,
        from_status=from_status,
        to_status=to_status,
        target="minutes",
        target_id=minutes.pk,
        reason=_("Version %(n)d") % {"n": minutes.version},
    )
    clocks.close_clock(subject=dialogue, rule_code=clocks.MINUTES)
    return minutes


@transaction.atomic
def minutes_correct(*, dialogue: Dialogue, actor: User, reason: str) -> Minutes:
    """Start a correction: a new draft version copied from the last finalised one, which stays as it was."""
    if "correct" not in policy.dialogue_actions(actor, dialogue):
        raise DialogueDenied(_("Only the chair or the head corrects finalised minutes."))
    reason = (reason or "").strip()
    if not reason:
        raise DialogueError(_("Give the reason for the correction."))
    latest = Minutes.objects.select_for_update().filter(dialogue=dialogue).order_by("-version").first()
    if latest is None or not latest.is_final:
        raise DialogueError(_("Only finalised minutes are corrected; edit the draft instead."))
    minutes = Minutes.objects.create(
        dialogue=dialogue,
        version=latest.version + 1,
        written_by=actor,
        correction_reason=reason,
        **{name: getattr(latest, name) for name in MINUTES_FIELDS},
    )
    _event(
        dialogue,
        "correct",
        actor,
        to_status=MinutesStatus.DRAFT,
        target="minutes",
        target_id=minutes.pk,
        reason=_("Version %(n)d: %(reason)s") % {"n": minutes.version, "reason": reason},
    )
    return minutes


# --- Follow-up actions --------------------------------------------------------------------------


@transaction.atomic
def followup_add(
    *, dialogue: Dialogue, actor: User, description: str, owner: User, due_date: datetime.date
) -> FollowUpAction:
    if "action_add" not in policy.dialogue_actions(actor, dialogue):
        if dialogue.status != DialogueStatus.HELD and policy.can_schedule(actor, dialogue.unit_id):
            raise DialogueError(_("Follow-up actions are agreed after the dialogue has been held."))
        raise DialogueDenied(_("Only the chair or the head assigns follow-up actions."))
    description = (description or "").strip()
    if not description:
        raise DialogueError(_("Describe the action."))
    if due_date < timezone.localdate():
        raise DialogueError(_("The due date cannot be in the past."))
    if not jurisdiction_for(owner).can_write(dialogue.unit_id):
        raise DialogueError(_("%(name)s does not work in this unit.") % {"name": owner.display_name})
    action = FollowUpAction.objects.create(
        dialogue=dialogue, description=description, owner=owner, due_date=due_date, created_by=actor
    )
    _event(
        dialogue,
        "action_add",
        actor,
        to_status=ActionStatus.OPEN,
        target="action",
        target_id=action.pk,
        reason=_("%(what)s (%(owner)s, by %(date)s)")
        % {"what": description, "owner": owner.display_name, "date": f"{due_date:%d/%m/%Y}"},
    )
    _petition_event(
        list(dialogue.petitions.all()),
        actor=actor,
        reason=_("Follow-up action of dialogue %(code)s: %(what)s (%(owner)s, by %(date)s)")
        % {"code": dialogue.code, "what": description, "owner": owner.display_name, "date": f"{due_date:%d/%m/%Y}"},
        is_public=False,
    )
    clocks.open_clock(
        rule_code=clocks.FOLLOWUP,
        subject=action,
        unit=dialogue.unit,
        start=timezone.localdate(),
        due_date=due_date,
        owner=owner,
        label=_("Follow-up action of dialogue %(code)s") % {"code": dialogue.code},
        url=dialogue_url(dialogue),
    )
    if owner.pk != actor.pk:
        notify(
            recipients=[owner],
            title=_("Follow-up action for you, due %(date)s") % {"date": f"{due_date:%d/%m/%Y}"},
            body=description[:500],
            url=dialogue_url(dialogue),
        )
    return action


@transaction.atomic
def followup_done(*, action: FollowUpAction, actor: User, note: str) -> FollowUpAction:
    if not policy.can_close_action(actor, action):
        if action.status != ActionStatus.OPEN:
            raise DialogueError(_("This action is already done."))
        raise DialogueDenied(_("Only the owner, the chair or the head closes this action."))
    note = (note or "").strip()
    if not note:
        raise DialogueError(_("Write what was done."))
    from_status, to_status = _transition(
        FollowUpAction,
        ACTION_TRANSITIONS,
        action,
        "done",
        actor,
        note,
        done_note=note,
        done_by=actor,
        done_at=timezone.now(),
    )
    _event(
        action.dialogue,
        "done",
        actor,
        from_status=from_status,
        to_status=to_status,
        target="action",
        target_id=action.pk,
        reason=note,
    )
    _petition_event(
        list(action.dialogue.petitions.all()),
        actor=actor,
        reason=_("Follow-up action done: %(what)s. %(note)s") % {"what": action.description, "note": note},
        is_public=False,
    )
    clocks.close_clock(subject=action, rule_code=clocks.FOLLOWUP)
    return action


# --- The complaint rule -------------------------------------------------------------------------


@transaction.atomic
def requirement_record(*, petition: Petition, actor: User, difference: str) -> DialogueRequirement:
    """The handler records that the verification result differs from the complainant's demand."""
    if not policy.can_record_requirement(actor, petition):
        raise DialogueDenied(_("Only the assigned handler or the head records this."))
    if petition.kind != Kind.COMPLAINT:
        raise DialogueError(_("Only complaints need a dialogue before resolution."))
    difference = (difference or "").strip()
    if not difference:
        raise DialogueError(_("Describe how the verification result differs from the demand."))
    requirement, created = DialogueRequirement.objects.get_or_create(
        petition=petition, defaults={"difference": difference, "recorded_by": actor}
    )
    if not created:
        raise DialogueError(_("This has already been recorded."))
    petition_services.petition_event_record(
        petition=petition,
        action="dialogue",
        actor=actor,
        reason=_("Verification result differs from the demand: a dialogue is required. %(text)s")
        % {"text": difference},
    )
    return requirement


@transaction.atomic
def requirement_waive(*, petition: Petition, actor: User, reason: str) -> DialogueRequirement:
    """Record why no dialogue is held (e.g. the complainant refused it); resolution may then proceed."""
    if not policy.can_record_requirement(actor, petition):
        raise DialogueDenied(_("Only the assigned handler or the head records this."))
    reason = (reason or "").strip()
    if not reason:
        raise DialogueError(_("Give the reason for not holding a dialogue."))
    requirement = DialogueRequirement.objects.select_for_update().filter(petition=petition).first()
    if requirement is None:
        raise DialogueError(_("No dialogue is required for this petition."))
    if requirement.waiver_reason:
        raise DialogueError(_("This has already been recorded."))
    requirement.waiver_reason, requirement.waived_by, requirement.waived_at = reason, actor, timezone.now()
    requirement.save(update_fields=["waiver_reason", "waived_by", "waived_at"])
    petition_services.petition_event_record(
        petition=petition,
        action="dialogue",
        actor=actor,
        reason=_("No dialogue will be held: %(reason)s") % {"reason": reason},
    )
    return requirement


def resolve_guard(petition: Petition) -> str | None:
    """Registered in petitions.hooks.resolve_guards (Law on Complaints 2011 Art. 30; Decree 124/2020 Art. 23)."""
    requirement = DialogueRequirement.objects.filter(petition_id=petition.pk).first()
    if requirement is None or requirement.waiver_reason:
        return None
    if DialoguePetition.objects.filter(petition_id=petition.pk, dialogue__status=DialogueStatus.HELD).exists():
        return None
    return _(
        "The verification result differs from the complainant's demand: hold a dialogue, or record why "
        "none is held, before resolving this complaint."
    )
