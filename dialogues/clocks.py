"""The three clocks of this app, through the generic deadlines API (deadlines.services), so the one
sweep reminds and escalates them like any petition deadline.

- dialogue.minutes: opened when a dialogue is held (working days from that day), met when its
  minutes are first finalised.
- dialogue.followup: one per follow-up action, met when the action is done. The chair chooses the
  due date, so the clock is opened with that `due_date` fixed (deadline_open keeps a chosen date;
  the rule's length is then unused) and only the warning thresholds come from the rule.
- hotspot.response: opened when a hotspot is confirmed; met by a dialogue chaired by the head or by
  the head's ad-hoc reception recorded on the hotspot.
"""

import datetime

from deadlines import services as deadline_services

MINUTES = "dialogue.minutes"
FOLLOWUP = "dialogue.followup"
HOTSPOT = "hotspot.response"


def open_clock(
    *,
    rule_code: str,
    subject,
    unit,
    start: datetime.date,
    label: str,
    owner=None,
    url: str = "",
    due_date: datetime.date | None = None,
):
    return deadline_services.deadline_open(
        rule_code=rule_code,
        subject=subject,
        unit=unit,
        start=start,
        owner=owner,
        label=label[:200],
        url=url,
        due_date=due_date,
    )


def close_clock(*, subject, rule_code: str, cancelled: bool = False) -> int:
    return deadline_services.deadline_close(subject=subject, rule_code=rule_code, cancelled=cancelled)
