import datetime

import pytest

from oversight.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-11", "2026-11-01", "2026-11-30"),
        ("2026-02", "2026-02-01", "2026-02-28"),
        ("2026-Q1", "2026-01-01", "2026-03-31"),
        ("2026-q1", "2026-01-01", "2026-03-31"),
        ("2026-H1", "2026-01-01", "2026-06-30"),
        ("2026-9M", "2026-01-01", "2026-09-30"),
        ("2026", "2026-01-01", "2026-12-31"),
        ("2026-01-05..2026-02-20", "2026-01-05", "2026-02-20"),
    ],
)
def test_it_reads_the_five_periods_and_a_range(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))


@pytest.mark.parametrize(
    "text",
    ["", "2026-13", "2026-Q5", "26", "2026-00", "abc", "2026-02-30..2026-03-01", "2026-03-01..2026-01-01", "1999"],
)
def test_bad_periods_get_a_clear_message(text):
    with pytest.raises(PeriodError) as error:
        parse_period(text)
    assert str(error.value)
