import importlib
import uuid

import pytest
from django.apps import apps

from core.models import Role
from deadlines import calendar
from deadlines.models import DeadlineRule
from reception.models import RequiredFrequency

from .factories import make_petition, make_staff, make_unit


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The calendar's exceptions cache is per process; a rolled-back test must not leak its exceptions."""
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Every test starts with empty rate-limit counters, without flushing a shared Redis."""
    settings.RATE_LIMIT_NAMESPACE = uuid.uuid4().hex


def _reseed(model, *migrations: str) -> None:
    """Reference data comes from data migrations; a transactional test's flush wipes it, so restore it."""
    if not model.objects.exists():
        for migration in migrations:
            importlib.import_module(migration).seed(apps, None)


# Every data migration that adds or changes deadline rules, in order.
RULE_MIGRATIONS = (
    "deadlines.migrations.0002_seed_rules",
    "deadlines.migrations.0004_written_notice_per_reception",
    "dialogues.migrations.0003_deadline_rules",
    "oversight.migrations.0002_finding_remedy_rule",
    "deadlines.migrations.0008_rule_basis_in_vietnamese",
)


@pytest.fixture
def rules(db):
    """The deadline rules of domain.md, by code."""
    _reseed(DeadlineRule, *RULE_MIGRATIONS)
    return {rule.code: rule for rule in DeadlineRule.objects.all()}


@pytest.fixture
def frequencies(db):
    """The required reception frequencies per unit level."""
    _reseed(RequiredFrequency, "reception.migrations.0002_required_frequency_defaults")
    return {f.level: f for f in RequiredFrequency.objects.all()}


@pytest.fixture
def org(db, rules, frequencies):
    """A city with two communes and a department; one staff member per role in the first commune."""

    class Org:
        city = make_unit("Thành phố Hà Nội", "hn", "province")
        commune = make_unit("Phường Ba Đình", "ba-dinh", "commune", parent=city)
        other_commune = make_unit("Phường Hoàn Kiếm", "hoan-kiem", "commune", parent=city)
        department = make_unit("Sở Tài nguyên và Môi trường", "so-tnmt", "department", parent=city)
        reception = make_staff(commune, Role.RECEPTION, username="tiepdan")
        handler = make_staff(commune, Role.HANDLER, username="xuly")
        head = make_staff(commune, Role.HEAD, username="chutich")
        inspector = make_staff(city, Role.INSPECTOR, username="thanhtra")
        city_head = make_staff(city, Role.HEAD, username="bithu")
        outsider = make_staff(other_commune, Role.RECEPTION, username="ngoai")

    return Org


@pytest.fixture
def petition(org):
    return make_petition(org.commune)
