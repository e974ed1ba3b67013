"""Who may do what to dialogues and hotspots: pages, the API, menus and services all ask here.

Facts: the user's roles per unit subtree (core.selectors.jurisdiction_for), the dialogue's chair,
an action's owner. Heads chair; reception and handling officers organise; inspectors only read.
"""

from core.models import Role, User
from core.selectors import jurisdiction_for

from .models import Dialogue, FollowUpAction, Hotspot
from .workflow import (
    DIALOGUE_TRANSITIONS,
    HOTSPOT_TRANSITIONS,
    ActionStatus,
    DialogueStatus,
    MinutesStatus,
    possible,
)

ORGANISERS = (Role.RECEPTION, Role.HANDLER, Role.HEAD)


def can_schedule(user: User, unit_id: int | None) -> bool:
    return jurisdiction_for(user).has_role(*ORGANISERS, unit_id=unit_id)


def is_chair_or_head(user: User, dialogue: Dialogue) -> bool:
    return dialogue.chair_id == user.pk or jurisdiction_for(user).has_role(Role.HEAD, unit_id=dialogue.unit_id)


def dialogue_actions(user: User, dialogue: Dialogue, draft=None) -> set[str]:
    """The actions this user may take on this dialogue now (menus show exactly these)."""
    allowed: set[str] = set()
    organiser = jurisdiction_for(user).has_role(*ORGANISERS, unit_id=dialogue.unit_id)
    if not organiser:
        return allowed
    chair_or_head = is_chair_or_head(user, dialogue)
    for action in ("reschedule", "cancel"):
        if possible(DIALOGUE_TRANSITIONS, action, dialogue.status):
            allowed.add(action)
    if chair_or_head and possible(DIALOGUE_TRANSITIONS, "hold", dialogue.status):
        allowed.add("hold")
    if dialogue.status == DialogueStatus.HELD:
        allowed.add("minutes_write")  # a secretary may write the draft
        if chair_or_head:
            allowed |= {"action_add", "correct"}
            if draft is not None and draft.status == MinutesStatus.DRAFT:
                allowed.add("finalise")
    return allowed


def can_close_action(user: User, action: FollowUpAction) -> bool:
    if action.status != ActionStatus.OPEN:
        return False
    if action.owner_id == user.pk:
        return True
    return is_chair_or_head(user, action.dialogue) and jurisdiction_for(user).has_role(
        *ORGANISERS, unit_id=action.dialogue.unit_id
    )


HOTSPOT_ROLES = {
    "confirm": ORGANISERS,
    "dismiss": ORGANISERS,
    "handle": (Role.HEAD,),
    "close": (Role.HEAD,),
}


def hotspot_actions(user: User, hotspot: Hotspot) -> set[str]:
    jurisdiction = jurisdiction_for(user)
    return {
        action
        for action, roles in HOTSPOT_ROLES.items()
        if possible(HOTSPOT_TRANSITIONS, action, hotspot.status)
        and jurisdiction.has_role(*roles, unit_id=hotspot.unit_id)
    }


def can_flag_hotspot(user: User, unit_id: int | None) -> bool:
    return jurisdiction_for(user).has_role(*ORGANISERS, unit_id=unit_id)


def can_record_requirement(user: User, petition) -> bool:
    """The assigned handler or a head records that a complaint's verification differs from the demand."""
    jurisdiction = jurisdiction_for(user)
    if jurisdiction.has_role(Role.HEAD, unit_id=petition.unit_id):
        return True
    return petition.handler_id == user.pk and jurisdiction.has_role(Role.HANDLER, unit_id=petition.unit_id)


def _schedule(user: User, obj=None) -> bool:
    return can_schedule(user, _unit_id(obj))


def _flag_hotspot(user: User, obj=None) -> bool:
    return can_flag_hotspot(user, _unit_id(obj))


def _unit_id(obj) -> int | None:
    return obj if obj is None or isinstance(obj, int) else obj.unit_id


def register_permissions() -> None:
    """Called from DialoguesConfig.ready(): the named permissions core.access answers."""
    from core import access

    access.register("dialogues.read", access.is_staff)
    # Staff of the unit and of its ancestors see a dialogue or a hotspot (selectors narrow the same way).
    access.register("dialogues.view", lambda user, obj: obj.unit_id in jurisdiction_for(user).unit_ids)
    access.register("dialogues.schedule", _schedule)
    access.register("dialogues.flag_hotspot", _flag_hotspot)
    access.register("dialogues.close_action", can_close_action)
    access.register("dialogues.record_requirement", can_record_requirement)
    access.register("dialogues.organise", lambda user, dialogue: can_schedule(user, dialogue.unit_id))
    access.register("dialogues.act", lambda user, dialogue: bool(dialogue_actions(user, dialogue)))
    access.register("dialogues.hotspot_act", lambda user, hotspot: bool(hotspot_actions(user, hotspot)))
