"""Due dates from a rule and a start day: pure arithmetic on the working calendar, shared by reads and writes."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .calendar import WorkingCalendar
from .models import DayUnit, DeadlineRule, Level


@dataclass(frozen=True)
class DueDates:
    due_date: datetime.date
    due_soon_from: datetime.date
    long_overdue_after: datetime.date

    def level_on(self, today: datetime.date) -> int:
        if today > self.long_overdue_after:
            return Level.LONG_OVERDUE
        if today > self.due_date:
            return Level.OVERDUE
        if today >= self.due_soon_from:
            return Level.DUE_SOON
        return Level.NONE


def compute_due_dates(
    *,
    rule: DeadlineRule,
    start: datetime.date,
    is_complex: bool = False,
    is_remote: bool = False,
    extensions: int = 0,
    paused_days: int = 0,
    cal: WorkingCalendar | None = None,
) -> DueDates:
    cal = cal or WorkingCalendar()
    # Suspended time does not count (Law on Denunciations 2018 Art. 36): it lengthens the clock in its own unit.
    length = rule.length_for(is_complex=is_complex, is_remote=is_remote, extensions=extensions) + paused_days
    due = cal.add_working_days(start, length) if rule.unit == DayUnit.WORKING else cal.calendar_due(start, length)
    return DueDates(
        due_date=due,
        due_soon_from=cal.add_working_days(due, -rule.due_soon_days),
        long_overdue_after=cal.add_working_days(due, rule.long_overdue_days),
    )


def local_date(moment: datetime.datetime) -> datetime.date:
    """Day zero of a clock: the date in Vietnam of the event."""
    return timezone.localtime(moment).date()
