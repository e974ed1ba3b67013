import datetime

import pytest
import time_machine
from django.utils import timezone

from dialogues import services
from petitions.models import Kind
from tests.factories import UserFactory, make_petition

VN = timezone.get_fixed_timezone(7 * 60)


def at(year, month, day, hour=9, minute=0) -> datetime.datetime:
    """A moment in Vietnam's time zone."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture
def citizen(db):
    return UserFactory(username="congdan", full_name="Đỗ Thị Dân")


@pytest.fixture
def complaints(org, citizen):
    """Two complaints of the commune: the first filed by a citizen with an account."""
    first = make_petition(org.commune, citizen=citizen, full_name="Đỗ Thị Dân", id_number="001190000001")
    second = make_petition(org.commune, full_name="Lê Văn Khác", id_number="001190000002", phone="0912000002")
    return first, second


def schedule(org, petitions, *, when=None, actor=None, chair=None, **kwargs):
    defaults = {
        "subject": "Đối thoại về bồi thường giải phóng mặt bằng",
        "place": "Hội trường UBND phường Ba Đình",
        "what_to_bring": "Căn cước công dân, giấy tờ về đất",
    }
    return services.dialogue_schedule(
        actor=actor or org.reception,
        unit=org.commune,
        scheduled_at=when or timezone.now() + datetime.timedelta(days=2),
        chair=chair or org.head,
        petitions=list(petitions),
        **{**defaults, **kwargs},
    )


def held(org, petitions, *, day=None):
    """A dialogue scheduled for `day` (default: in two days) and recorded as held by the head on that day."""
    moment = at(*day, 9) if day else timezone.now() + datetime.timedelta(days=2)
    with time_machine.travel(moment - datetime.timedelta(days=1), tick=False):
        dialogue = schedule(org, petitions, when=moment)
    with time_machine.travel(moment + datetime.timedelta(hours=2), tick=False):
        services.dialogue_hold(dialogue=dialogue, actor=org.head)
    return dialogue


@pytest.fixture
def complaint_kind():
    return Kind.COMPLAINT
