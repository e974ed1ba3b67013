"""The reception pages, one module per part: views_public (citizens: calendar and bookings),
views_sessions (staff: sessions and their bookings) and views_book (staff: the reception book,
conclusions, written answers, exports, quotas). urls.py reaches them through this module.
"""

from .views_book import (
    answers_due,
    book_export,
    book_list,
    book_print,
    citizen_lookup,
    conclusion_create,
    quotas,
    refusal_notice,
    visit_create,
    visit_detail,
    visit_outcome,
    visit_reveal,
    written_answer_create,
    written_answer_letter,
)
from .views_common import reception_staff
from .views_public import booked, booking_cancel, booking_lookup, calendar, session_book
from .views_sessions import (
    booking_action,
    session_cancel,
    session_create,
    session_detail,
    session_holder,
    session_list,
)

__all__ = [
    "answers_due",
    "book_export",
    "book_list",
    "book_print",
    "booked",
    "booking_action",
    "booking_cancel",
    "booking_lookup",
    "calendar",
    "citizen_lookup",
    "conclusion_create",
    "quotas",
    "reception_staff",
    "refusal_notice",
    "session_book",
    "session_cancel",
    "session_create",
    "session_detail",
    "session_holder",
    "session_list",
    "visit_create",
    "visit_detail",
    "visit_outcome",
    "visit_reveal",
    "written_answer_create",
    "written_answer_letter",
]
