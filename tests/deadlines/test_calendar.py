import datetime

import pytest

from deadlines import calendar
from deadlines.models import CalendarException
from deadlines.services import calendar_exception_save

D = datetime.date


def test_weekends_are_not_working_days(db):
    assert calendar.is_working_day(D(2026, 3, 6))  # Friday
    assert not calendar.is_working_day(D(2026, 3, 7))
    assert not calendar.is_working_day(D(2026, 3, 8))


@pytest.mark.parametrize(
    "day",
    [D(2026, 1, 1), D(2026, 2, 16), D(2026, 2, 20), D(2026, 4, 27), D(2026, 4, 30), D(2026, 5, 1), D(2026, 9, 2)],
)
def test_statutory_and_lunar_holidays_are_days_off(db, day):
    assert not calendar.is_working_day(day)


def test_tet_2027_spans_a_weekend_and_is_skipped(db):
    # Tết 2027: 4–10 Feb, Thursday to Wednesday.
    assert calendar.add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 11)


def test_a_make_up_saturday_known_to_the_holidays_package_is_a_working_day(db):
    assert calendar.is_working_day(D(2025, 4, 26))


def test_administrators_exceptions_override_the_statutory_calendar(db):
    calendar_exception_save(date=D(2026, 3, 9), kind=CalendarException.Kind.DAY_OFF, name="Nghỉ bổ sung")
    calendar_exception_save(date=D(2026, 3, 14), kind=CalendarException.Kind.WORKING_DAY, name="Làm bù")
    assert not calendar.is_working_day(D(2026, 3, 9))
    assert calendar.is_working_day(D(2026, 3, 14))
    # Friday 6 March + 2 working days: Saturday 14 is not reached; Monday 9 is off.
    assert calendar.add_working_days(D(2026, 3, 6), 2) == D(2026, 3, 11)


def test_adding_working_days_across_tet_2026(db):
    assert calendar.add_working_days(D(2026, 2, 13), 10) == D(2026, 3, 6)


def test_counting_backwards(db):
    assert calendar.add_working_days(D(2026, 2, 23), -1) == D(2026, 2, 13)


def test_a_calendar_deadline_ending_on_a_day_off_moves_to_the_next_working_day(db):
    assert calendar.calendar_due(D(2026, 1, 17), 30) == D(2026, 2, 23)  # 16 Feb is Tết eve
    assert calendar.calendar_due(D(2026, 3, 1), 6) == D(2026, 3, 9)  # Saturday → Monday
    assert calendar.calendar_due(D(2026, 3, 1), 4) == D(2026, 3, 5)  # already a working day


def test_non_working_days_between_lists_holidays_with_names(db):
    skipped = calendar.non_working_days_between(D(2026, 2, 13), D(2026, 3, 6))
    assert [d for d, _ in skipped] == [D(2026, 2, d) for d in range(16, 21)]
    assert "Tết Nguyên Đán" in skipped[1][1]


def test_exceptions_are_read_once_for_a_batch(db, django_assert_num_queries):
    cal = calendar.WorkingCalendar()
    with django_assert_num_queries(0):
        cal.add_working_days(D(2026, 1, 1), 250)
