"""The three clocks of this app, through the generic deadlines API (deadlines.services), so the one
sweep reminds and escalates them like any petition deadline.

- dialogue.minutes: opened when a dialogue is held, met when its minutes are first finalised.
- dialogue.followup: one per follow-up action, met when the action is done. The chair chooses the
  due date, so the clock opens *at* that date and the rule's length (0 calendar days by default)
  is a grace period on top; a due date on a day off moves to the next working day (as the
  Civil Code counts time limits). The reminder comes `due_soon_days` working days before.
- hotspot.response: opened when a hotspot is confirmed; met by a dialogue chaired by the head or an
  ad-hoc reception recorded on the hotspot.
"""

import datetime

from deadlines import services as deadline_services

MINUTES = "dialogue.minutes"
FOLLOWUP = "dialogue.followup"
HOTSPOT = "hotspot.response"


def open_clock(*, rule_code: str, subject, unit, start: datetime.date, owner=None, label: str, url: str = ""):
    if not hasattr(deadline_services, "deadline_open"):  # TEMP until main's generic deadlines are merged
        return None
    return deadline_services.deadline_open(
        rule_code=rule_code, subject=subject, unit=unit, start=start, owner=owner, label=label[:200], url=url
    )


def close_clock(*, subject, rule_code: str, cancelled: bool = False) -> int:
    if not hasattr(deadline_services, "deadline_close"):  # TEMP until main's generic deadlines are merged
        return 0
    return deadline_services.deadline_close(subject=subject, rule_code=rule_code, cancelled=cancelled)
