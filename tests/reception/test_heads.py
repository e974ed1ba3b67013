"""Heads' receptions: who held the session, the head's conclusion, the 10-working-day answer, quotas."""

import datetime

import pytest
import time_machine

from core import services as core_services
from deadlines.models import Deadline
from petitions.models import Kind
from reception import selectors, services
from reception.models import Direction, HeadConclusion, RequiredFrequency, SessionStatus
from reception.services import VisitorData
from tests.factories import make_staff

from .conftest import MONDAY, at, make_session


@pytest.fixture
def heads_session(org, now_monday):
    session = make_session(org.commune, MONDAY, start=(7, 30))
    services.session_record_holder(session=session, actor=org.reception, held_by=org.head)
    return session


def _visit_with_petition(org, session):
    visit = services.visit_record(
        unit=org.commune,
        recorded_by=org.reception,
        visitor=VisitorData(full_name="Phạm Thị Dung", id_number="001085012345"),
        content="Đề nghị giải quyết chế độ chính sách",
        session=session,
    )
    petition, _key = services.visit_register_petition(
        visit=visit, actor=org.reception, kind=Kind.RECOMMENDATION, title="Chế độ chính sách"
    )
    visit.refresh_from_db()
    return visit, petition


def test_holder_is_in_person_only_when_they_were_head_that_day(org, now_monday):
    session = make_session(org.commune, MONDAY, start=(7, 30))
    services.session_record_holder(session=session, actor=org.reception, held_by=org.head)
    assert session.held_in_person and session.status == SessionStatus.HELD
    # A new head from tomorrow: the former head is a delegate on later sessions, and the session above stays his.
    new_head = make_staff(org.commune, "handler")
    core_services.unit_head_assign(unit=org.commune, user=new_head, started_on=MONDAY + datetime.timedelta(days=1))
    with time_machine.travel(at(MONDAY + datetime.timedelta(days=2), 12), tick=False):
        later = make_session(org.commune, MONDAY + datetime.timedelta(days=2))
        services.session_record_holder(session=later, actor=org.reception, held_by=org.head)
        assert not later.held_in_person
    assert services.head_on(org.commune.pk, MONDAY) == org.head.pk


def test_a_session_cannot_be_recorded_as_held_before_its_day(org, session):
    with pytest.raises(services.ReceptionError, match="từ ngày tiếp"):
        services.session_record_holder(session=session, actor=org.reception, held_by=org.head)


def test_the_holder_must_work_for_the_unit(org, now_monday):
    session = make_session(org.commune, MONDAY, start=(7, 30))
    with pytest.raises(services.ReceptionError, match="không công tác"):
        services.session_record_holder(session=session, actor=org.reception, held_by=org.outsider)


def test_the_head_records_a_conclusion_once(org, heads_session):
    visit, petition = _visit_with_petition(org, heads_session)
    conclusion = services.conclusion_record(
        visit=visit, actor=org.head, direction=Direction.ACCEPT, text="Giao phòng Nội vụ xem xét, trả lời"
    )
    assert (conclusion.session, conclusion.petition, conclusion.concluded_by) == (heads_session, petition, org.head)
    with pytest.raises(services.ReceptionError, match="đã có kết luận"):
        services.conclusion_record(visit=visit, actor=org.head, direction=Direction.GUIDE, text="x")


def test_only_the_head_who_held_the_session_concludes(org, heads_session):
    visit, _petition = _visit_with_petition(org, heads_session)
    for user in (org.reception, org.city_head, org.inspector):
        with pytest.raises(services.ReceptionError, match="Chỉ người đứng đầu"):
            services.conclusion_record(visit=visit, actor=user, direction=Direction.ACCEPT, text="x")
    assert not HeadConclusion.objects.exists()


def test_no_conclusion_for_a_delegates_session(org, now_monday):
    session = make_session(org.commune, MONDAY, start=(7, 30))
    services.session_record_holder(session=session, actor=org.head, held_by=org.reception)
    visit, _petition = _visit_with_petition(org, session)
    with pytest.raises(services.ReceptionError, match="Chỉ người đứng đầu"):
        services.conclusion_record(visit=visit, actor=org.head, direction=Direction.ACCEPT, text="x")


def test_a_walk_in_petition_has_no_reg11_deadline(org, now_monday, rules):
    visit = services.visit_record(
        unit=org.commune, recorded_by=org.reception, visitor=VisitorData(full_name="A"), content="Nội dung"
    )
    petition, _key = services.visit_register_petition(visit=visit, actor=org.reception, kind=Kind.REFLECTION, title="T")
    assert not Deadline.objects.filter(petition=petition, rule__code="reg11.written_notice").exists()


def _held(org, day, holder, *, start=(8, 0), end=(11, 0)):
    session = make_session(org.commune, day, start=start, end=end)
    with time_machine.travel(at(day, 12), tick=False):
        services.session_record_holder(session=session, actor=org.reception, held_by=holder)
    return session


def test_quota_counts_only_sessions_the_head_held_in_person(org, frequencies):
    _held(org, datetime.date(2025, 10, 8), org.head)
    _held(org, datetime.date(2025, 10, 15), org.reception)  # delegate
    _held(org, datetime.date(2025, 11, 5), org.head)  # another month
    make_session(org.commune, datetime.date(2025, 10, 22))  # planned, never held
    quota = selectors.head_quota(org.commune, 2025, 10)
    assert (quota.held_in_person, quota.delegated, quota.required, quota.shortfall) == (1, 1, 2, 1)
    assert quota.head == org.head


def test_quota_met(org, frequencies):
    _held(org, datetime.date(2025, 10, 8), org.head)
    _held(org, datetime.date(2025, 10, 15), org.head)
    assert selectors.head_quota(org.commune, 2025, 10).shortfall == 0


def test_required_frequency_is_data(org, frequencies):
    assert selectors.head_quota(org.city, 2025, 10).required == 1
    RequiredFrequency.objects.filter(level="commune").update(sessions=1, period="week")
    assert selectors.head_quota(org.commune, 2025, 10).required == 5
    assert selectors.head_quota(org.department, 2025, 10).required is None
    assert selectors.head_quota(org.department, 2025, 10).shortfall == 0


def test_quotas_for_many_units_take_a_fixed_number_of_queries(org, frequencies, django_assert_max_num_queries):
    from core.models import Unit

    units = list(Unit.objects.all())
    with django_assert_max_num_queries(4):
        rows = selectors.head_quotas(units, 2025, 10)
    assert len(rows) == len(units)


def test_quota_counts_distinct_days_not_sessions(org, frequencies):
    """Two half-day sessions on one date are one reception day (issue 8, point 11)."""
    day = datetime.date(2025, 10, 8)
    _held(org, day, org.head, start=(7, 30))
    _held(org, day, org.head, start=(13, 30), end=(17, 0))
    _held(org, datetime.date(2025, 10, 15), org.reception, start=(7, 30))  # delegate: never counts
    _held(org, datetime.date(2025, 10, 15), org.reception, start=(13, 30), end=(17, 0))
    quota = selectors.head_quota(org.commune, 2025, 10)
    assert (quota.held_in_person, quota.delegated, quota.required, quota.shortfall) == (1, 1, 2, 1)
