"""The petition lifecycle of domain.md as one readable table, and who may take each action."""

from dataclasses import dataclass

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
OPEN_STATUSES = frozenset({S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED})


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


@dataclass(frozen=True)
class Step:
    """One row of the lifecycle: where an action may start, where it leads, who may take it, and
    whether a written reason is required. `to` is None for an action that changes no state; resume
    returns to the state the petition was suspended from (`returns_to` lists the possibilities)."""

    from_states: frozenset[str]
    to: str | None
    roles: frozenset[str]
    reason: bool = False
    returns_to: frozenset[str] = frozenset()


INTAKE = frozenset({Role.RECEPTION, Role.HEAD})
# "handler" means the handler assigned to this petition; other handlers may only read.
HANDLING = frozenset({Role.HANDLER, Role.HEAD})
STAFF = frozenset({Role.RECEPTION, Role.HANDLER, Role.HEAD})
A = Action

# The one lifecycle table (domain.md, Petitions). Everything below it is derived from it.
LIFECYCLE: dict[str, Step] = {
    A.CLASSIFY: Step(frozenset({S.RECEIVED, S.ACCEPTED}), None, INTAKE),
    A.ACCEPT: Step(frozenset({S.RECEIVED}), S.ACCEPTED, INTAKE),
    A.FORWARD: Step(frozenset({S.RECEIVED}), S.FORWARDED, INTAKE, reason=True),
    A.GUIDE: Step(frozenset({S.RECEIVED}), S.GUIDED, INTAKE, reason=True),
    A.REJECT: Step(frozenset({S.RECEIVED}), S.REJECTED, INTAKE, reason=True),
    A.FILE: Step(frozenset({S.RECEIVED}), S.FILED, INTAKE, reason=True),
    A.ASSIGN: Step(frozenset({S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED}), None, INTAKE),
    A.START: Step(frozenset({S.ACCEPTED}), S.IN_PROGRESS, HANDLING),
    A.SUSPEND: Step(frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.SUSPENDED, HANDLING, reason=True),
    A.RESUME: Step(frozenset({S.SUSPENDED}), None, HANDLING, returns_to=frozenset({S.ACCEPTED, S.IN_PROGRESS})),
    A.RESOLVE: Step(frozenset({S.IN_PROGRESS}), S.RESOLVED, HANDLING, reason=True),
    A.WITHDRAW: Step(frozenset({S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS}), S.WITHDRAWN, STAFF, reason=True),
    A.CLOSE: Step(TERMINAL_OUTCOMES, S.CLOSED, INTAKE),
    A.NOTE: Step(frozenset(Status.values), None, STAFF),
}


def _transitions() -> dict[str, frozenset[str]]:
    pairs: dict[str, set[str]] = {status: set() for status in Status.values}
    for step in LIFECYCLE.values():
        for status in step.from_states:
            pairs[status] |= ({step.to} if step.to else set()) | step.returns_to
    return {status: frozenset(targets) for status, targets in pairs.items()}


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = _transitions()
ACTION_TARGET: dict[str, str] = {action: step.to for action, step in LIFECYCLE.items() if step.to}
ACTION_STATES: dict[str, frozenset[str]] = {action: step.from_states for action, step in LIFECYCLE.items()}
REASON_REQUIRED = frozenset(action for action, step in LIFECYCLE.items() if step.reason)
ACTION_ROLES: dict[str, frozenset[str]] = {action: step.roles for action, step in LIFECYCLE.items()}


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


def action_possible_in(action: str, status: str) -> bool:
    if action in ACTION_STATES and status not in ACTION_STATES[action]:
        return False
    return action not in ACTION_TARGET or can_transition(status, ACTION_TARGET[action])
