import datetime
import importlib

import pytest
from django.utils import timezone

from deadlines import calendar
from deadlines.models import DeadlineRule

VN = timezone.get_fixed_timezone(7 * 60)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The exceptions cache is per process; a rolled-back test must not leak its exceptions."""
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def rules(db):
    """The seeded rules; re-seeded when a transactional test flushed them."""
    if not DeadlineRule.objects.exists():
        seed = importlib.import_module("deadlines.migrations.0002_seed_rules")
        from django.apps import apps

        seed.seed(apps, None)
    return {rule.code: rule for rule in DeadlineRule.objects.all()}


def at(year, month, day, hour=9) -> datetime.datetime:
    """A moment in Vietnam's time zone."""
    return datetime.datetime(year, month, day, hour, tzinfo=VN)
