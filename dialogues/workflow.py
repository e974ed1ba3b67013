"""The lifecycles of dialogues, minutes, follow-up actions and hotspots, each as one readable table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DialogueStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINALISED = "finalised", _("Finalised")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class HotspotStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    HANDLED = "handled", _("Handled")
    CLOSED = "closed", _("Closed")


D, M, A, H = DialogueStatus, MinutesStatus, ActionStatus, HotspotStatus
PENDING = frozenset({D.SCHEDULED, D.RESCHEDULED})

# action: (from states, to state, reason required). Who may act is in dialogues/policy.py.
DIALOGUE_TRANSITIONS: dict[str, tuple[frozenset[str], str, bool]] = {
    "reschedule": (PENDING, D.RESCHEDULED, True),
    "cancel": (PENDING, D.CANCELLED, True),
    "hold": (PENDING, D.HELD, False),
}
MINUTES_TRANSITIONS = {
    "finalise": (frozenset({M.DRAFT}), M.FINALISED, False),
}
ACTION_TRANSITIONS = {
    "done": (frozenset({A.OPEN}), A.DONE, True),
}
HOTSPOT_TRANSITIONS = {
    "confirm": (frozenset({H.SUGGESTED}), H.CONFIRMED, False),
    "dismiss": (frozenset({H.SUGGESTED}), H.DISMISSED, True),
    "handle": (frozenset({H.CONFIRMED}), H.HANDLED, True),
    "close": (frozenset({H.HANDLED}), H.CLOSED, False),
}

ACTION_LABELS = {
    "schedule": _("Scheduled"),
    "reschedule": _("Rescheduled"),
    "cancel": _("Cancelled"),
    "hold": _("Held"),
    "minutes_draft": _("Minutes drafted"),
    "finalise": _("Minutes finalised"),
    "correct": _("Correction started"),
    "action_add": _("Follow-up action added"),
    "done": _("Follow-up action done"),
    "suggest": _("Suggested"),
    "flag": _("Flagged"),
    "confirm": _("Confirmed"),
    "dismiss": _("Dismissed"),
    "handle": _("Handled"),
    "close": _("Closed"),
}


def possible(table: dict, action: str, status: str) -> bool:
    return action in table and status in table[action][0]
