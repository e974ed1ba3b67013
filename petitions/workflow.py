"""The petition lifecycle of domain.md as one readable table, and who may take each action."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Role


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended")
    RESOLVED = "resolved", _("Resolved")
    FORWARDED = "forwarded", _("Forwarded")
    GUIDED = "guided", _("Guided")
    REJECTED = "rejected", _("Rejected")
    FILED = "filed", _("Filed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


S = Status
TERMINAL_OUTCOMES = frozenset({S.RESOLVED, S.FORWARDED, S.GUIDED, S.REJECTED, S.FILED, S.WITHDRAWN})

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.ACCEPTED, S.FORWARDED, S.GUIDED, S.REJECTED, S.FILED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.SUSPENDED, S.WITHDRAWN}),
    S.IN_PROGRESS: frozenset({S.RESOLVED, S.SUSPENDED, S.WITHDRAWN}),
    S.SUSPENDED: frozenset({S.ACCEPTED, S.IN_PROGRESS}),
    **{outcome: frozenset({S.CLOSED}) for outcome in TERMINAL_OUTCOMES},
    S.CLOSED: frozenset(),
}

OPEN_STATUSES = frozenset({S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


class Action(models.TextChoices):
    CLASSIFY = "classify", _("Classify")
    ACCEPT = "accept", _("Accept")
    FORWARD = "forward", _("Forward")
    GUIDE = "guide", _("Guide")
    REJECT = "reject", _("Reject")
    FILE = "file", _("File as duplicate")
    ASSIGN = "assign", _("Assign handler")
    START = "start", _("Start handling")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")
    RESOLVE = "resolve", _("Resolve")
    WITHDRAW = "withdraw", _("Withdraw")
    CLOSE = "close", _("Close")
    NOTE = "note", _("Internal note")


# Target state of each action that changes state (resume returns to the state before suspension).
ACTION_TARGET: dict[str, str] = {
    Action.ACCEPT: S.ACCEPTED,
    Action.FORWARD: S.FORWARDED,
    Action.GUIDE: S.GUIDED,
    Action.REJECT: S.REJECTED,
    Action.FILE: S.FILED,
    Action.START: S.IN_PROGRESS,
    Action.SUSPEND: S.SUSPENDED,
    Action.RESOLVE: S.RESOLVED,
    Action.WITHDRAW: S.WITHDRAWN,
    Action.CLOSE: S.CLOSED,
}

# The states an action starts from, where the transition table alone is not enough
# (suspended → accepted is "resume", not "accept").
ACTION_STATES: dict[str, frozenset[str]] = {
    Action.ACCEPT: frozenset({S.RECEIVED}),
    Action.START: frozenset({S.ACCEPTED}),
    Action.CLASSIFY: frozenset({S.RECEIVED, S.ACCEPTED}),
    Action.ASSIGN: frozenset({S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED}),
    Action.RESUME: frozenset({S.SUSPENDED}),
    Action.NOTE: frozenset(Status.values),
}

REASON_REQUIRED = frozenset(
    {Action.FORWARD, Action.GUIDE, Action.REJECT, Action.FILE, Action.SUSPEND, Action.WITHDRAW, Action.RESOLVE}
)

INTAKE = frozenset({Role.RECEPTION, Role.HEAD})
# "handler" here means the handler assigned to this petition; other handlers may only read.
ACTION_ROLES: dict[str, frozenset[str]] = {
    Action.CLASSIFY: INTAKE,
    Action.ACCEPT: INTAKE,
    Action.FORWARD: INTAKE,
    Action.GUIDE: INTAKE,
    Action.REJECT: INTAKE,
    Action.FILE: INTAKE,
    Action.ASSIGN: INTAKE,
    Action.START: frozenset({Role.HANDLER, Role.HEAD}),
    Action.SUSPEND: frozenset({Role.HANDLER, Role.HEAD}),
    Action.RESUME: frozenset({Role.HANDLER, Role.HEAD}),
    Action.RESOLVE: frozenset({Role.HANDLER, Role.HEAD}),
    Action.WITHDRAW: frozenset({Role.RECEPTION, Role.HANDLER, Role.HEAD}),
    Action.CLOSE: INTAKE,
    Action.NOTE: frozenset({Role.RECEPTION, Role.HANDLER, Role.HEAD}),
}


def action_possible_in(action: str, status: str) -> bool:
    if action in ACTION_STATES and status not in ACTION_STATES[action]:
        return False
    return action not in ACTION_TARGET or can_transition(status, ACTION_TARGET[action])
