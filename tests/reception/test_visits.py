import datetime

import pytest
import time_machine

from petitions.models import Channel, Kind, Petition
from petitions.workflow import Status
from reception import selectors, services
from reception.models import BookingStatus, Outcome, RefusalReason, Visit
from reception.services import RepresentativeData, VisitorData
from tests.factories import make_petition

from .conftest import MONDAY, at, make_session

VISITOR = VisitorData(full_name="Lê Văn Cường", id_number="001085012345", phone="0987654321", address="12 Phố Huế")


def _visit(org, **kwargs):
    return services.visit_record(
        unit=kwargs.pop("unit", org.commune),
        recorded_by=kwargs.pop("recorded_by", org.reception),
        visitor=kwargs.pop("visitor", VISITOR),
        content=kwargs.pop("content", "Đề nghị giải quyết tranh chấp ranh giới đất"),
        **kwargs,
    )


def test_serial_numbers_run_per_unit_and_restart_each_year(org, now_monday):
    first, second = _visit(org), _visit(org)
    other_unit = _visit(org, unit=org.other_commune, recorded_by=org.outsider)
    last_year = _visit(org, visited_on=datetime.date(2024, 12, 30))
    assert (first.serial, second.serial, other_unit.serial) == (1, 2, 1)
    assert (last_year.year, last_year.serial) == (2024, 1)


def test_identity_is_encrypted_and_found_by_digest(org, now_monday):
    visit = _visit(org)
    assert Visit.objects.get(pk=visit.pk).id_number == VISITOR.id_number
    assert Visit.objects.filter(id_number_digest=visit.id_number_digest).count() == 1


@pytest.mark.parametrize(
    ("people", "representatives", "ok"),
    [(4, 0, True), (6, 0, False), (6, 2, True), (8, 3, False), (12, 5, True), (12, 6, False)],
)
def test_group_representatives_rule_is_enforced(org, now_monday, people, representatives, ok):
    reps = [RepresentativeData(full_name=f"Đại diện {i}") for i in range(representatives)]
    if ok:
        visit = _visit(org, people_count=people, representatives=reps)
        assert visit.representatives.count() == representatives
    else:
        with pytest.raises(services.ReceptionError, match="đại diện"):
            _visit(org, people_count=people, representatives=reps)
        assert not Visit.objects.exists()


def test_a_visit_cannot_be_dated_in_the_future(org, now_monday):
    with pytest.raises(services.ReceptionError, match="tương lai"):
        _visit(org, visited_on=MONDAY + datetime.timedelta(days=1))


def test_only_reception_staff_and_heads_of_the_unit_log_visits(org, now_monday):
    _visit(org, recorded_by=org.head)
    _visit(org, recorded_by=org.city_head)  # the city's head acts on its communes too
    for user in (org.outsider, org.inspector, org.handler):
        with pytest.raises(services.ReceptionError, match="không có quyền"):
            _visit(org, recorded_by=user)


def test_refusal_needs_a_legal_reason(org, now_monday):
    visit = _visit(org)
    with pytest.raises(services.ReceptionError, match="pháp luật cho phép"):
        services.visit_refuse(visit=visit, actor=org.reception, reason="rude")
    services.visit_refuse(visit=visit, actor=org.reception, reason=RefusalReason.ALREADY_SETTLED, detail="Đã trả lời")
    visit.refresh_from_db()
    assert (visit.outcome, visit.refusal_reason) == (Outcome.REFUSED, RefusalReason.ALREADY_SETTLED)


def test_the_outcome_is_recorded_once(org, now_monday):
    visit = _visit(org)
    services.visit_guide(visit=visit, actor=org.reception, guidance="Hướng dẫn gửi đơn đến Tòa án nhân dân")
    with pytest.raises(services.ReceptionError, match="đã được ghi nhận"):
        services.visit_forward(visit=visit, actor=org.reception, to_body="Công an phường")


def test_forward_needs_exactly_one_destination(org, now_monday):
    visit = _visit(org)
    with pytest.raises(services.ReceptionError):
        services.visit_forward(visit=visit, actor=org.reception)
    with pytest.raises(services.ReceptionError):
        services.visit_forward(visit=visit, actor=org.reception, to_unit=org.commune)
    services.visit_forward(visit=visit, actor=org.reception, to_unit=org.department, note="Thuộc thẩm quyền Sở")
    assert Visit.objects.get(pk=visit.pk).forwarded_to == org.department


def test_registering_a_petition_from_a_walk_in_visit(org, now_monday):
    visit = _visit(org, people_count=2)
    petition, access_key = services.visit_register_petition(
        visit=visit, actor=org.reception, kind=Kind.COMPLAINT, title="Khiếu nại quyết định thu hồi đất"
    )
    visit.refresh_from_db()
    assert visit.petition == petition and visit.outcome == Outcome.PETITION_REGISTERED
    assert visit.petition_kind == Kind.COMPLAINT
    assert petition.channel == Channel.IN_PERSON
    assert (petition.unit, petition.created_by, petition.people_count) == (org.commune, org.reception, 2)
    assert petition.content == visit.content
    petitioner = petition.petitioner
    assert (petitioner.full_name, petitioner.id_number, petitioner.phone, petitioner.address) == (
        VISITOR.full_name,
        VISITOR.id_number,
        VISITOR.phone,
        VISITOR.address,
    )
    assert len(access_key) == 8
    assert Petition.objects.get(pk=petition.pk).reception_visit == visit


def test_a_visit_in_a_session_needs_its_holder_before_a_petition_is_registered(org, now_monday):
    session = make_session(org.commune, MONDAY, start=(7, 30))
    visit = _visit(org, session=session)
    with pytest.raises(services.ReceptionError, match="người tiếp công dân"):
        services.visit_register_petition(visit=visit, actor=org.reception, kind=Kind.COMPLAINT, title="T")


def test_a_petition_from_the_heads_own_session_has_the_head_reception_channel(org, now_monday):
    session = make_session(org.commune, MONDAY, start=(7, 30))
    services.session_record_holder(session=session, actor=org.reception, held_by=org.head)
    visit = _visit(org, session=session)
    petition, _key = services.visit_register_petition(visit=visit, actor=org.reception, kind=Kind.COMPLAINT, title="T")
    assert petition.channel == Channel.HEAD_RECEPTION


def test_a_delegates_session_gives_the_in_person_channel(org, now_monday):
    session = make_session(org.commune, MONDAY, start=(7, 30))
    services.session_record_holder(session=session, actor=org.reception, held_by=org.reception)
    assert not session.held_in_person
    visit = _visit(org, session=session)
    petition, _key = services.visit_register_petition(visit=visit, actor=org.reception, kind=Kind.COMPLAINT, title="T")
    assert petition.channel == Channel.IN_PERSON


def test_logging_a_visit_from_a_booking_marks_it_attended(org, session):
    booking = services.booking_create(
        session_id=session.pk, full_name="A", phone="0912345678", id_number="001085012345", summary="S"
    )
    with time_machine.travel(at(session.date, 9, 5), tick=False):
        visit = _visit(org, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    assert visit.session == session
    assert list(booking.events.values_list("to_status", flat=True)) == ["pending", "attended"]


def test_a_booking_cannot_be_logged_twice(org, session):
    booking = services.booking_create(
        session_id=session.pk, full_name="A", phone="0912345678", id_number="001085012345", summary="S"
    )
    with time_machine.travel(at(session.date, 9, 5), tick=False):
        _visit(org, booking=booking)
        booking.refresh_from_db()
        with pytest.raises(services.ReceptionError):
            _visit(org, booking=booking)
    assert Visit.objects.count() == 1


def test_returning_citizen_shows_earlier_visits_and_petitions_in_jurisdiction(org, now_monday):
    earlier = _visit(org)
    own = make_petition(org.commune, id_number=VISITOR.id_number)
    make_petition(org.other_commune, id_number=VISITOR.id_number)  # outside jurisdiction
    secret = make_petition(org.commune, kind=Kind.DENUNCIATION, id_number=VISITOR.id_number)
    make_petition(org.commune, id_number="001099999999")

    asked = make_petition(org.commune, kind=Kind.COMPLAINT, id_number=VISITOR.id_number)
    Petition.objects.filter(pk=asked.pk).update(identity_protected=True)  # the petitioner asked

    result = selectors.returning_citizen(org.reception, VISITOR.id_number)
    assert result.visits == [earlier]
    assert result.petitions == [own]
    # Nobody finds a protected petition by ID number, the head included (not even as a count).
    for user in (org.head, org.city_head):
        found = selectors.returning_citizen(user, VISITOR.id_number).petitions
        assert secret not in found and asked not in found


def test_denouncers_identity_is_shown_to_nobody_without_the_reveal(org, now_monday):
    visit = _visit(org, petition_kind=Kind.DENUNCIATION)
    for user in (org.reception, org.head, org.city_head, org.inspector):
        assert not selectors.identity_visible(user, visit)


def test_petition_status_is_unchanged_by_registration(org, now_monday):
    visit = _visit(org)
    petition, _key = services.visit_register_petition(visit=visit, actor=org.reception, kind=Kind.REFLECTION, title="T")
    assert petition.status == Status.RECEIVED
