"""The lifecycles of a reception session and of a visit's outcome, each as one readable table.

Everything else is derived from these rows: which services may move a row, from which states,
the permission asked (core/access.py) and whether a reason is required. Every change writes an
append-only history row (SessionHistory, VisitHistory).
"""

from .models import Outcome, SessionStatus

S, OUT = SessionStatus, Outcome

SESSION_TRANSITIONS: dict[str, tuple[frozenset[str], str, str, bool]] = {
    # action: (from states, to state, permission, reason required)
    # Recording who received citizens marks the session held; a correction of the holder keeps it held.
    "record_holder": (frozenset({S.PLANNED, S.HELD}), S.HELD, "reception.write", False),
    "cancel": (frozenset({S.PLANNED}), S.CANCELLED, "reception.write", True),
}

VISIT_TRANSITIONS: dict[str, tuple[frozenset[str], str, str, bool]] = {
    # A visit's handling is decided once (Law on Citizen Reception 2013 Art. 28): from "not decided yet".
    "guide": (frozenset({OUT.PENDING}), OUT.GUIDED, "reception.write", False),
    "forward": (frozenset({OUT.PENDING}), OUT.FORWARDED, "reception.write", False),
    "refuse": (frozenset({OUT.PENDING}), OUT.REFUSED, "reception.write", True),
    "petition": (frozenset({OUT.PENDING}), OUT.PETITION_REGISTERED, "reception.write", False),
}

OUTCOME_OF: dict[str, str] = {action: row[1] for action, row in VISIT_TRANSITIONS.items()}


def possible(table: dict, action: str, state: str) -> bool:
    return action in table and state in table[action][0]
