"""Every write of the reception app, one module per part:

- services_sessions: schedules → sessions, ad-hoc sessions, who held a session, cancellation;
- services_bookings: a citizen's booking and the staff's confirm / decline / move;
- services_book: the reception book (visits and their handling), reveals, conclusions, written answers.

Import from here (`from reception import services`): the names below are the app's write API.
"""

from .errors import ReceptionError, SessionFull
from .policy import READ_ROLES, WRITE_ROLES, ensure_can_write, may_reveal_visit_identity
from .rules import WRITTEN_NOTICE
from .selectors import head_on
from .services_book import (
    RepresentativeData,
    VisitorData,
    channel_for,
    conclusion_record,
    visit_forward,
    visit_guide,
    visit_identity_reveal,
    visit_record,
    visit_refuse,
    visit_register_petition,
    visit_update_follow_up,
    written_answer_record,
)
from .services_bookings import (
    booked_people,
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_decline,
    booking_move,
)
from .services_sessions import session_cancel, session_create_ad_hoc, session_record_holder, sessions_generate

__all__ = [
    "READ_ROLES",
    "WRITE_ROLES",
    "WRITTEN_NOTICE",
    "ReceptionError",
    "RepresentativeData",
    "SessionFull",
    "VisitorData",
    "booked_people",
    "booking_cancel",
    "booking_confirm",
    "booking_create",
    "booking_decline",
    "booking_move",
    "channel_for",
    "conclusion_record",
    "ensure_can_write",
    "head_on",
    "may_reveal_visit_identity",
    "session_cancel",
    "session_create_ad_hoc",
    "session_record_holder",
    "sessions_generate",
    "visit_forward",
    "visit_guide",
    "visit_identity_reveal",
    "visit_record",
    "visit_refuse",
    "visit_register_petition",
    "visit_update_follow_up",
    "written_answer_record",
]
