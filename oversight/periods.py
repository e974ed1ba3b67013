"""Reporting periods of Reg. 11 Art. 3.8: a month, the first quarter, six months, nine months, the
year, or a custom range. Written as `2026-11`, `2026-Q1`, `2026-H1`, `2026-9M`, `2026` or
`2026-01-05..2026-02-20`."""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {
    "month": gettext_lazy("Month"),
    "q1": gettext_lazy("First quarter"),
    "h1": gettext_lazy("Six months"),
    "9m": gettext_lazy("Nine months"),
    "year": gettext_lazy("Year"),
    "range": gettext_lazy("Custom range"),
}
# Cumulative periods from January: the quarter, six-month and nine-month reports of Art. 3.8.
LAST_MONTH = {"q1": 3, "h1": 6, "9m": 9, "year": 12}
PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>\d{1,2}|Q1|H1|9M))?$", re.IGNORECASE)
RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
MAX_RANGE_DAYS = 366 * 5


class PeriodError(ValueError):
    """The period could not be read; the message is for the user and already translated."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # inclusive
    code: str

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Month %(m)02d/%(y)d") % {"m": self.start.month, "y": self.start.year}
        if self.kind == "range":
            return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"
        return f"{KINDS[self.kind]} {self.start.year}"

    def months(self) -> list[tuple[int, int]]:
        result, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            result.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result

    def clip(self, start: datetime.date | None, end: datetime.date | None) -> "Period | None":
        """The part of this period inside [start, end] (either open), or None if they do not meet."""
        new_start = max(self.start, start) if start else self.start
        new_end = min(self.end, end) if end else self.end
        if new_start > new_end:
            return None
        return Period(kind=self.kind, start=new_start, end=new_end, code=self.code)


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def parse_period(text: str) -> Period:
    value = (text or "").strip()
    if not value:
        raise PeriodError(_("Choose a period, e.g. 2026-11, 2026-Q1, 2026-H1, 2026-9M or 2026."))
    if match := RANGE.match(value):
        try:
            start, end = (datetime.date.fromisoformat(part) for part in match.groups())
        except ValueError:
            raise PeriodError(_("“%(value)s” contains a date that does not exist.") % {"value": value}) from None
        if start > end:
            raise PeriodError(_("The start of the period is after its end."))
        if (end - start).days > MAX_RANGE_DAYS:
            raise PeriodError(_("A custom period can be at most five years long."))
        return Period(kind="range", start=start, end=end, code=value)
    match = PATTERN.match(value)
    if not match:
        raise PeriodError(
            _("“%(value)s” is not a period. Write e.g. 2026-11, 2026-Q1, 2026-H1, 2026-9M or 2026.")
            % {"value": value[:40]}
        )
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise PeriodError(_("The year must be between 2000 and 2100."))
    part = (match["part"] or "").lower()
    if not part:
        kind = "year"
    elif part.isdigit():
        month = int(part)
        if not 1 <= month <= 12:
            raise PeriodError(_("The month must be between 1 and 12."))
        return Period(
            kind="month", start=datetime.date(year, month, 1), end=_month_end(year, month), code=f"{year}-{month:02d}"
        )
    else:
        kind = part
    last = LAST_MONTH[kind]
    code = str(year) if kind == "year" else f"{year}-{part.upper()}"
    return Period(kind=kind, start=datetime.date(year, 1, 1), end=_month_end(year, last), code=code)


def current_month_code(today: datetime.date) -> str:
    return f"{today.year}-{today.month:02d}"


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The five periods of the current year plus this and last month, for the period pickers."""
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    codes = [
        current_month_code(today),
        current_month_code(last_month),
        f"{today.year}-Q1",
        f"{today.year}-H1",
        f"{today.year}-9M",
        str(today.year),
        str(today.year - 1),
    ]
    return [(code, parse_period(code).label) for code in dict.fromkeys(codes)]
