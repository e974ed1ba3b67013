import pytest
from django.db import connection
from django.db.models import F

from core.models import Notification, Role
from petitions import services
from petitions.models import Channel, Kind, Petition, PetitionHistory
from petitions.services import PetitionError
from petitions.workflow import Status
from tests.factories import UserFactory, make_petition, make_petition_with_key, make_staff


def test_submit_encrypts_identity_and_records_receipt(org):
    petition, key = make_petition_with_key(org.commune, full_name="Nguyễn Văn An", id_number="001085012345")
    assert len(key) == 8
    assert petition.access_key_digest != key
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name, id_number, phone FROM petitions_petitioner WHERE petition_id = %s", [petition.pk]
        )
        raw = cursor.fetchone()
    assert "Nguyễn" not in raw[0] and "001085012345" not in raw[1] and "0912345678" not in raw[2]
    assert Petition.objects.get(pk=petition.pk).petitioner.full_name == "Nguyễn Văn An"
    assert list(petition.history.values_list("action", "to_status")) == [("receive", Status.RECEIVED)]
    # reception officers of the unit hear about it, the outsider does not
    assert Notification.objects.filter(recipient=org.reception).count() == 1
    assert not Notification.objects.filter(recipient=org.outsider).exists()


def test_tracking_codes_are_random_not_sequential(org):
    codes = {make_petition(org.commune).tracking_code for _ in range(5)}
    assert len(codes) == 5
    assert all(len(c) == 12 and c[4] == "-" for c in codes)


def test_accept_then_assign_starts_handling_and_writes_history(org, petition):
    services.petition_accept(petition=petition, actor=org.reception)
    services.petition_assign(petition=petition, actor=org.reception, handler=org.handler)
    petition.refresh_from_db()
    assert petition.status == Status.IN_PROGRESS
    assert petition.handler == org.handler
    assert petition.accepted_at is not None
    transitions = list(
        PetitionHistory.objects.filter(petition=petition)
        .exclude(from_status=F("to_status"))
        .values_list("from_status", "to_status")
    )
    assert transitions == [(Status.RECEIVED, Status.ACCEPTED), (Status.ACCEPTED, Status.IN_PROGRESS)]
    assert Notification.objects.filter(recipient=org.handler).exists()


def test_reason_is_required_for_a_rejection(org, petition):
    with pytest.raises(PetitionError):
        services.petition_reject(petition=petition, actor=org.reception, reason="  ")
    petition.refresh_from_db()
    assert petition.status == Status.RECEIVED


def test_a_stale_copy_cannot_overwrite_a_newer_state(org, petition):
    stale = Petition.objects.get(pk=petition.pk)
    services.petition_guide(petition=petition, actor=org.reception, reason="Hướng dẫn gửi tòa án")
    with pytest.raises(PetitionError):
        services.petition_accept(petition=stale, actor=org.reception)
    petition.refresh_from_db()
    assert petition.status == Status.GUIDED


def test_forward_to_a_unit_opens_a_linked_petition_there(org, petition):
    services.petition_forward(
        petition=petition, actor=org.reception, reason="Không thuộc thẩm quyền", to_unit=org.department
    )
    forwarded = Petition.objects.get(forwarded_from=petition)
    assert forwarded.unit == org.department
    assert forwarded.channel == Channel.FORWARDED
    assert forwarded.status == Status.RECEIVED
    assert forwarded.petitioner.full_name == petition.petitioner.full_name


def test_forward_needs_exactly_one_destination(org, petition):
    with pytest.raises(PetitionError):
        services.petition_forward(petition=petition, actor=org.reception, reason="r")
    with pytest.raises(PetitionError):
        services.petition_forward(
            petition=petition, actor=org.reception, reason="r", to_unit=org.department, to_body="X"
        )


def test_file_as_duplicate_links_the_original(org, petition):
    duplicate = make_petition(org.commune)
    services.petition_file(petition=duplicate, actor=org.reception, reason="Trùng đơn", duplicate_of=petition)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.FILED and duplicate.duplicate_of == petition


def test_resume_returns_to_the_state_before_suspension(org, petition):
    services.petition_accept(petition=petition, actor=org.head)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    services.petition_suspend(petition=petition, actor=org.handler, reason="Chờ kết quả giám định")
    services.petition_resume(petition=petition, actor=org.handler)
    assert petition.status == Status.IN_PROGRESS


def test_only_the_assigned_handler_may_resolve(org, petition):
    other_handler = make_staff(org.commune, Role.HANDLER)
    services.petition_accept(petition=petition, actor=org.head)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    with pytest.raises(PetitionError):
        services.petition_resolve(petition=petition, actor=other_handler, decision_text="d")
    services.petition_resolve(petition=petition, actor=org.handler, decision_text="Quyết định số 1")
    assert petition.status == Status.RESOLVED and petition.decision_text == "Quyết định số 1"


@pytest.mark.parametrize("who", ["inspector", "outsider", "handler"])
def test_people_without_intake_rights_cannot_accept(org, petition, who):
    with pytest.raises(PetitionError):
        services.petition_accept(petition=petition, actor=getattr(org, who))
    petition.refresh_from_db()
    assert petition.status == Status.RECEIVED


def test_a_head_of_the_parent_unit_may_act_on_descendants(org, petition):
    services.petition_accept(petition=petition, actor=org.city_head)
    assert petition.status == Status.ACCEPTED


def test_an_anonymous_denunciation_cannot_be_accepted_as_a_denunciation(org):
    petition, _ = services.petition_submit(
        kind=Kind.DENUNCIATION,
        title="Tố cáo",
        content="Nội dung cụ thể",
        unit=org.commune,
        petitioner=services.PetitionerData(full_name=""),
        is_anonymous=True,
        created_by=org.reception,
    )
    with pytest.raises(PetitionError):
        services.petition_accept(petition=petition, actor=org.reception)
    services.petition_file(petition=petition, actor=org.reception, reason="Lưu làm thông tin")
    assert petition.status == Status.FILED


def test_assign_refuses_a_handler_from_another_unit(org, petition):
    services.petition_accept(petition=petition, actor=org.head)
    with pytest.raises(PetitionError):
        services.petition_assign(petition=petition, actor=org.head, handler=org.outsider)


def test_classify_as_denunciation_drops_the_searchable_name(org, petition):
    services.petition_classify(
        petition=petition, actor=org.reception, kind=Kind.DENUNCIATION, is_complex=True, is_remote=False, reason="x"
    )
    petition.petitioner.refresh_from_db()
    assert petition.petitioner.name_search == ""
    assert petition.history.filter(action="classify").exists()


def test_citizen_can_withdraw_only_their_own(org):
    owner, stranger = UserFactory(), UserFactory()
    petition = make_petition(org.commune, citizen=owner)
    with pytest.raises(PetitionError):
        services.petition_citizen_withdraw(petition=petition, citizen=stranger, reason="r")
    services.petition_citizen_withdraw(petition=petition, citizen=owner, reason="Đã tự hòa giải")
    assert petition.status == Status.WITHDRAWN
