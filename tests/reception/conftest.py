import datetime

import pytest
import time_machine
from django.utils import timezone

from reception.models import ReceptionSession, SessionKind

VN = timezone.get_fixed_timezone(7 * 60)
# A Monday in an ordinary week (no holiday nearby).
MONDAY = datetime.date(2025, 10, 6)


def at(day: datetime.date, hour: int = 8, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


@pytest.fixture
def now_monday():
    """Monday 6 Oct 2025, 08:00 in Hanoi."""
    with time_machine.travel(at(MONDAY), tick=False) as traveller:
        yield traveller


def make_session(unit, day, *, start=(9, 0), end=(11, 0), capacity=10, kind=SessionKind.REGULAR, **kwargs):
    return ReceptionSession.objects.create(
        unit=unit,
        date=day,
        start_time=datetime.time(*start),
        end_time=datetime.time(*end),
        place="Trụ sở tiếp công dân, 1 Lê Lai",
        capacity=capacity,
        kind=kind,
        **kwargs,
    )


@pytest.fixture
def session(org, now_monday):
    """A planned session of the commune on Wednesday of the current week."""
    return make_session(org.commune, MONDAY + datetime.timedelta(days=2))
