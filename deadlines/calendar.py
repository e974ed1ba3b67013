"""Vietnam's working-day calendar: Monday–Friday, minus public holidays, adjusted by yearly exceptions.

Statutory and lunar holidays (and the swaps the `holidays` package already knows) come from its
Vietnam calendar; the administrators' exceptions (CalendarException) override both. The
exceptions are read once per process and re-read only when they change: the save/delete services
call `invalidate()`, and other processes notice a change through a cheap fingerprint query at
most every FINGERPRINT_TTL seconds. No function here queries per day.
"""

import datetime
import threading
import time
from functools import lru_cache

import holidays
from django.db.models import Count, Max
from django.utils import translation

FINGERPRINT_TTL = 30.0
ONE_DAY = datetime.timedelta(days=1)
SATURDAY = 5


@lru_cache(maxsize=64)
def _statutory(year: int, language: str) -> tuple[dict[datetime.date, str], frozenset[datetime.date]]:
    """Holidays of one year with their names, and the weekend days the package marks as working."""
    calendar = holidays.country_holidays("VN", years=year, language=language)
    return dict(calendar.items()), frozenset(d for d in calendar.weekend_workdays if d.year == year)


def _holiday_language() -> str:
    return "vi" if (translation.get_language() or "vi").startswith("vi") else "en_US"


class _Exceptions:
    """The administrators' exceptions, cached per process; thread-safe enough for a worker or a WSGI thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._data: dict[datetime.date, tuple[str, str]] | None = None
        self._fingerprint = None
        self._checked_at = 0.0

    def invalidate(self) -> None:
        with self._lock:
            self._data, self._fingerprint, self._checked_at = None, None, 0.0

    def get(self) -> dict[datetime.date, tuple[str, str]]:
        if self._data is not None and time.monotonic() - self._checked_at < FINGERPRINT_TTL:
            return self._data
        from .models import CalendarException

        fingerprint = tuple(
            CalendarException.objects.aggregate(n=Count("id"), m=Max("id"), u=Max("updated_at")).values()
        )
        with self._lock:
            if self._data is None or fingerprint != self._fingerprint:
                self._data = {
                    d: (kind, name) for d, kind, name in CalendarException.objects.values_list("date", "kind", "name")
                }
                self._fingerprint = fingerprint
            self._checked_at = time.monotonic()
            return self._data


_exceptions = _Exceptions()


def invalidate() -> None:
    """Forget the cached exceptions (called by the services after a change, and by tests)."""
    _exceptions.invalidate()


class WorkingCalendar:
    """A snapshot of the calendar for a batch of computations (one exceptions read for the whole batch)."""

    def __init__(self, exceptions: dict[datetime.date, tuple[str, str]] | None = None, language: str | None = None):
        self.exceptions = _exceptions.get() if exceptions is None else exceptions
        self.language = language or _holiday_language()

    def holiday_name(self, day: datetime.date) -> str | None:
        return _statutory(day.year, self.language)[0].get(day)

    def is_working_day(self, day: datetime.date) -> bool:
        from .models import CalendarException

        exception = self.exceptions.get(day)
        if exception is not None:
            return exception[0] == CalendarException.Kind.WORKING_DAY
        names, weekend_workdays = _statutory(day.year, self.language)
        if day in weekend_workdays:
            return True
        return day.weekday() < SATURDAY and day not in names

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `start` (day zero); negative n counts backwards; 0 is `start`."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        day, remaining = start, abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """`day` itself when it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def calendar_due(self, start: datetime.date, n: int) -> datetime.date:
        """n calendar days after `start`; a last day that is not a working day moves to the next one (CC Art. 148)."""
        return self.next_working_day(start + datetime.timedelta(days=n))

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (day zero does not count)."""
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_working_day(start + n * ONE_DAY))

    def non_working_days_between(self, start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
        """Holidays and extra days off after `start` up to `end`, with names; plain weekends are left out."""
        from .models import CalendarException

        result = []
        day = start + ONE_DAY
        while day <= end:
            exception = self.exceptions.get(day)
            if not self.is_working_day(day):
                if exception is not None and exception[0] == CalendarException.Kind.DAY_OFF:
                    result.append((day, exception[1]))
                elif (name := self.holiday_name(day)) is not None:
                    result.append((day, name))
            day += ONE_DAY
        return result

    def weekend_workdays_between(self, start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
        """Make-up working Saturdays/Sundays after `start` up to `end`."""
        from .models import CalendarException

        result = []
        day = start + ONE_DAY
        while day <= end:
            if day.weekday() >= SATURDAY and self.is_working_day(day):
                exception = self.exceptions.get(day)
                if exception is not None and exception[0] == CalendarException.Kind.WORKING_DAY:
                    result.append((day, exception[1]))
                else:
                    result.append((day, str(translation.gettext("Make-up working day"))))
            day += ONE_DAY
        return result


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    return WorkingCalendar().add_working_days(start, n)


def calendar_due(start: datetime.date, n: int) -> datetime.date:
    return WorkingCalendar().calendar_due(start, n)


def next_working_day(day: datetime.date) -> datetime.date:
    return WorkingCalendar().next_working_day(day)


def non_working_days_between(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    return WorkingCalendar().non_working_days_between(start, end)
