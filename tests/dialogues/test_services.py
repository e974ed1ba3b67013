import datetime

import pytest
import time_machine
from django.utils import timezone

from core.models import Notification
from dialogues import services
from dialogues.models import DialogueEvent, DialoguePetition, Minutes
from dialogues.services import DialogueDenied, DialogueError
from dialogues.workflow import ActionStatus, DialogueStatus, MinutesStatus
from petitions import services as petition_services
from petitions.models import Kind, PetitionHistory
from petitions.services import PetitionError
from petitions.workflow import Status
from tests.factories import make_petition

from .conftest import held, schedule

MINUTES = {
    "attendees": "Ông Phạm Minh Chủ (chủ trì); bà Đỗ Thị Dân",
    "citizen_statements": "Đề nghị tăng mức bồi thường.",
    "authority_statements": "Giải thích khung giá đất.",
    "agreed": "Đo đạc lại diện tích.",
    "disputed": "Đơn giá bồi thường.",
}


# --- Scheduling and invitations -----------------------------------------------------------------


def test_scheduling_invites_the_citizens_and_records_history(org, complaints, citizen):
    dialogue = schedule(org, complaints)
    assert dialogue.status == DialogueStatus.SCHEDULED
    assert set(DialoguePetition.objects.values_list("petition_id", flat=True)) == {p.pk for p in complaints}
    invitation = Notification.objects.get(recipient=citizen)
    assert complaints[0].tracking_code in invitation.title
    assert "Hội trường UBND phường Ba Đình" in invitation.body and "Căn cước" in invitation.body
    # Nothing a citizen receives names the other citizen.
    assert "Lê Văn Khác" not in invitation.title + invitation.body
    # The head chairs and hears about it; the petition's public history shows the dialogue.
    assert Notification.objects.filter(recipient=org.head, url=f"/can-bo/doi-thoai/{dialogue.pk}/").exists()
    entry = PetitionHistory.objects.filter(petition=complaints[0], action="dialogue").get()
    assert entry.is_public and dialogue.code in entry.reason
    assert DialogueEvent.objects.filter(dialogue=dialogue, action="schedule").count() == 1


def test_only_organisers_of_the_unit_schedule(org, complaints):
    with pytest.raises(DialogueDenied):
        schedule(org, complaints, actor=org.inspector)
    with pytest.raises(DialogueDenied):
        schedule(org, complaints, actor=org.outsider)


def test_a_petition_of_another_unit_cannot_be_included(org, complaints):
    elsewhere = make_petition(org.other_commune)
    with pytest.raises(DialogueError, match=elsewhere.tracking_code):
        schedule(org, [complaints[0], elsewhere])


def test_a_delegate_chairs_only_with_a_reason(org, complaints):
    with pytest.raises(DialogueError, match="lý do"):
        schedule(org, complaints, chair=org.handler)
    dialogue = schedule(org, complaints, chair=org.handler, delegate_reason="Chủ tịch đi công tác")
    assert dialogue.is_delegated


def test_a_time_in_the_past_or_no_place_is_refused(org, complaints):
    with pytest.raises(DialogueError):
        schedule(org, complaints, when=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(DialogueError):
        schedule(org, complaints, place="", online_link="")


def test_rescheduling_needs_a_reason_and_tells_the_citizen_again(org, complaints, citizen):
    dialogue = schedule(org, complaints)
    later = dialogue.scheduled_at + datetime.timedelta(days=3)
    with pytest.raises(DialogueError):
        services.dialogue_reschedule(dialogue=dialogue, actor=org.reception, scheduled_at=later, reason=" ")
    services.dialogue_reschedule(dialogue=dialogue, actor=org.reception, scheduled_at=later, reason="Trùng lịch họp")
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.RESCHEDULED and dialogue.scheduled_at == later
    assert Notification.objects.filter(recipient=citizen).count() == 2
    events = list(DialogueEvent.objects.filter(dialogue=dialogue).values_list("action", "from_status", "to_status"))
    assert events == [("schedule", "", "scheduled"), ("reschedule", "scheduled", "rescheduled")]


def test_a_cancelled_dialogue_cannot_be_held(org, complaints):
    dialogue = schedule(org, complaints)
    services.dialogue_cancel(dialogue=dialogue, actor=org.reception, reason="Công dân xin hoãn")
    with time_machine.travel(dialogue.scheduled_at + datetime.timedelta(hours=1)), pytest.raises(DialogueError):
        services.dialogue_hold(dialogue=dialogue, actor=org.head)
    # The citizen's public history says it was cancelled, not the internal reason.
    entry = PetitionHistory.objects.filter(petition=complaints[0], action="dialogue").last()
    assert "Công dân xin hoãn" not in entry.reason


def test_holding_waits_for_the_day_and_is_for_the_chair_or_head(org, complaints):
    dialogue = schedule(org, complaints)
    with pytest.raises(DialogueError):
        services.dialogue_hold(dialogue=dialogue, actor=org.head)
    with time_machine.travel(dialogue.scheduled_at + datetime.timedelta(hours=1)):
        with pytest.raises(DialogueDenied):
            services.dialogue_hold(dialogue=dialogue, actor=org.reception)
        with pytest.raises(DialogueDenied):
            services.dialogue_hold(dialogue=dialogue, actor=org.inspector)
        services.dialogue_hold(dialogue=dialogue, actor=org.head)
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.HELD and dialogue.held_at is not None


# --- Minutes ------------------------------------------------------------------------------------


def test_minutes_are_written_only_after_the_dialogue(org, complaints):
    dialogue = schedule(org, complaints)
    with pytest.raises(DialogueError):
        services.minutes_save(dialogue=dialogue, actor=org.head, **MINUTES)


def test_finalised_minutes_are_locked_and_a_correction_is_a_new_version(org, complaints):
    dialogue = held(org, complaints)
    draft = services.minutes_save(dialogue=dialogue, actor=org.reception, **MINUTES)
    draft = services.minutes_save(dialogue=dialogue, actor=org.reception, **{**MINUTES, "agreed": "Đo lại."})
    assert draft.version == 1 and draft.agreed == "Đo lại." and Minutes.objects.count() == 1
    with pytest.raises(DialogueDenied):
        services.minutes_finalise(minutes=draft, actor=org.reception)
    services.minutes_finalise(minutes=draft, actor=org.head)
    with pytest.raises(DialogueError, match="khóa"):
        services.minutes_save(dialogue=dialogue, actor=org.head, **MINUTES)
    with pytest.raises(DialogueError):
        services.minutes_finalise(minutes=draft, actor=org.head)

    with pytest.raises(DialogueError):
        services.minutes_correct(dialogue=dialogue, actor=org.head, reason="")
    correction = services.minutes_correct(dialogue=dialogue, actor=org.head, reason="Ghi sai diện tích")
    assert correction.version == 2 and correction.status == MinutesStatus.DRAFT and correction.agreed == "Đo lại."
    services.minutes_save(dialogue=dialogue, actor=org.head, **{**MINUTES, "agreed": "Đo lại 120 m²."})
    correction.refresh_from_db()
    services.minutes_finalise(minutes=correction, actor=org.head)
    first = Minutes.objects.get(dialogue=dialogue, version=1)
    assert first.agreed == "Đo lại." and first.status == MinutesStatus.FINALISED  # the earlier version is kept
    assert list(Minutes.objects.filter(dialogue=dialogue).values_list("version", "status")) == [
        (2, "finalised"),
        (1, "finalised"),
    ]


def test_minutes_need_the_attendees(org, complaints):
    dialogue = held(org, complaints)
    with pytest.raises(DialogueError):
        services.minutes_save(dialogue=dialogue, actor=org.head, **{**MINUTES, "attendees": " "})


# --- Follow-up actions --------------------------------------------------------------------------


def test_a_follow_up_action_needs_a_held_dialogue_an_owner_of_the_unit_and_a_note_to_close(org, complaints):
    pending = schedule(org, complaints)
    due = timezone.localdate() + datetime.timedelta(days=10)
    with pytest.raises(DialogueError):
        services.followup_add(dialogue=pending, actor=org.head, description="Đo đạc", owner=org.handler, due_date=due)
    dialogue = held(org, complaints)
    with pytest.raises(DialogueError):
        services.followup_add(dialogue=dialogue, actor=org.head, description="Đo", owner=org.outsider, due_date=due)
    with pytest.raises(DialogueDenied):
        services.followup_add(dialogue=dialogue, actor=org.reception, description="Đo", owner=org.handler, due_date=due)
    action = services.followup_add(
        dialogue=dialogue, actor=org.head, description="Đo đạc lại thửa đất", owner=org.handler, due_date=due
    )
    assert Notification.objects.filter(recipient=org.handler, title__contains=f"{due:%d/%m/%Y}").exists()
    # The petition's (internal) timeline shows the action.
    assert PetitionHistory.objects.filter(
        petition=complaints[0], is_public=False, reason__contains="Đo đạc lại thửa đất"
    ).exists()
    with pytest.raises(DialogueError):
        services.followup_done(action=action, actor=org.handler, note="  ")
    with pytest.raises(DialogueDenied):
        services.followup_done(action=action, actor=org.inspector, note="Xong")
    services.followup_done(action=action, actor=org.handler, note="Đã đo, diện tích 120 m²")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_by == org.handler
    with pytest.raises(DialogueError):
        services.followup_done(action=action, actor=org.handler, note="Lần nữa")


# --- The complaint rule -------------------------------------------------------------------------


def _in_progress(org, petition):
    petition_services.petition_accept(petition=petition, actor=org.head)
    petition_services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    petition.refresh_from_db()
    return petition


def test_a_complaint_whose_verification_differs_waits_for_the_dialogue(org, complaints):
    petition = _in_progress(org, complaints[0])
    with pytest.raises(DialogueDenied):
        services.requirement_record(petition=petition, actor=org.reception, difference="Khác")
    services.requirement_record(petition=petition, actor=org.handler, difference="Kết quả xác minh khác yêu cầu")
    with pytest.raises(PetitionError, match="đối thoại"):
        petition_services.petition_resolve(petition=petition, actor=org.handler, decision_text="Không chấp nhận")
    held(org, [petition])
    petition.refresh_from_db()
    petition_services.petition_resolve(petition=petition, actor=org.handler, decision_text="Không chấp nhận")
    assert petition.status == Status.RESOLVED


def test_a_recorded_reason_for_not_holding_a_dialogue_lets_the_complaint_be_resolved(org, complaints):
    petition = _in_progress(org, complaints[0])
    services.requirement_record(petition=petition, actor=org.handler, difference="Khác yêu cầu")
    schedule(org, [petition])  # scheduled but not held: still blocked
    with pytest.raises(PetitionError):
        petition_services.petition_resolve(petition=petition, actor=org.handler, decision_text="Quyết định")
    with pytest.raises(DialogueError):
        services.requirement_waive(petition=petition, actor=org.handler, reason="")
    services.requirement_waive(petition=petition, actor=org.handler, reason="Công dân từ chối đối thoại")
    petition_services.petition_resolve(petition=petition, actor=org.handler, decision_text="Quyết định")
    assert petition.status == Status.RESOLVED


def test_the_rule_is_for_complaints_only_and_others_resolve_freely(org):
    reflection = _in_progress(org, make_petition(org.commune, kind=Kind.REFLECTION))
    with pytest.raises(DialogueError):
        services.requirement_record(petition=reflection, actor=org.handler, difference="Khác")
    petition_services.petition_resolve(petition=reflection, actor=org.handler, decision_text="Trả lời")
    assert reflection.status == Status.RESOLVED
