import datetime

import holidays

from deadlines.calendar import is_working_day
from reception import services
from reception.models import ReceptionSchedule, ReceptionSession, SessionKind


def _schedule(unit, **kwargs):
    return ReceptionSchedule.objects.create(
        unit=unit,
        start_time=datetime.time(8),
        end_time=datetime.time(11, 30),
        place="Phòng tiếp dân",
        capacity=15,
        **kwargs,
    )


def test_weekly_schedule_generates_one_session_per_matching_working_day(org):
    _schedule(org.commune, weekday=2)  # Wednesdays
    created = services.sessions_generate(start=datetime.date(2025, 10, 1), until=datetime.date(2025, 10, 31))
    dates = list(ReceptionSession.objects.values_list("date", flat=True))
    assert created == 5
    assert dates == [datetime.date(2025, 10, d) for d in (1, 8, 15, 22, 29)]
    session = ReceptionSession.objects.first()
    assert (session.kind, session.capacity, session.place) == (SessionKind.REGULAR, 15, "Phòng tiếp dân")


def test_day_of_month_schedule(org):
    _schedule(org.city, day_of_month=15)
    services.sessions_generate(start=datetime.date(2025, 10, 1), until=datetime.date(2026, 1, 31))
    assert list(ReceptionSession.objects.values_list("date", flat=True)) == [
        datetime.date(2025, 10, 15),
        # 15 Nov 2025 is a Saturday: no session
        datetime.date(2025, 12, 15),
        datetime.date(2026, 1, 15),
    ]


def test_no_session_is_generated_on_a_public_holiday(org):
    national_day = datetime.date(2025, 9, 2)  # a Tuesday
    assert national_day in holidays.country_holidays("VN", years=2025)
    assert not is_working_day(national_day)
    _schedule(org.commune, weekday=1)  # Tuesdays
    services.sessions_generate(start=datetime.date(2025, 8, 25), until=datetime.date(2025, 9, 12))
    dates = set(ReceptionSession.objects.values_list("date", flat=True))
    assert dates == {datetime.date(2025, 8, 26), datetime.date(2025, 9, 9)}


def test_no_session_on_a_day_off_the_administrators_added(org):
    from deadlines import calendar
    from deadlines.models import CalendarException

    extra = datetime.date(2025, 10, 8)
    CalendarException.objects.create(date=extra, kind=CalendarException.Kind.DAY_OFF, name="Nghỉ bù")
    calendar.invalidate()
    _schedule(org.commune, weekday=2)
    services.sessions_generate(start=datetime.date(2025, 10, 6), until=datetime.date(2025, 10, 17))
    assert list(ReceptionSession.objects.values_list("date", flat=True)) == [datetime.date(2025, 10, 15)]


def test_generation_is_idempotent_and_keeps_cancelled_sessions_cancelled(org):
    _schedule(org.commune, weekday=2)
    window = {"start": datetime.date(2025, 10, 1), "until": datetime.date(2025, 10, 31)}
    services.sessions_generate(**window)
    ReceptionSession.objects.filter(date=datetime.date(2025, 10, 8)).update(status="cancelled")
    assert services.sessions_generate(**window) == 0
    assert ReceptionSession.objects.count() == 5
    assert ReceptionSession.objects.get(date=datetime.date(2025, 10, 8)).status == "cancelled"


def test_inactive_schedules_generate_nothing(org):
    _schedule(org.commune, weekday=2, active=False)
    assert services.sessions_generate(start=datetime.date(2025, 10, 1), until=datetime.date(2025, 10, 31)) == 0


def test_the_beat_task_generates_eight_weeks_ahead(org, now_monday):
    from reception.tasks import generate_reception_sessions

    _schedule(org.commune, weekday=0)
    assert generate_reception_sessions() == 9  # 6 Oct … 1 Dec 2025, all working Mondays
