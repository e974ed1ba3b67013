"""The clocks of minutes, follow-up actions and hotspots run through the one deadline sweep.

30 April and 1 May 2026 are public holidays (Thursday, Friday): five working days after Wednesday
29 April end on Friday 8 May, not on Wednesday 6 May.
"""

import datetime

import time_machine

from core.models import Notification
from deadlines.models import Deadline, Level
from deadlines.services_sweep import deadlines_sweep
from dialogues import hotspots, services
from dialogues.models import RiskLevel
from tests.factories import make_petition

from .conftest import at, schedule
from .test_services import MINUTES

D = datetime.date


def sweep_on(day: datetime.date) -> None:
    with time_machine.travel(at(day.year, day.month, day.day, 6), tick=False):
        deadlines_sweep()


def digest_lines(prefix: str) -> list[tuple[str, int, Notification]]:
    """(recipient, level, digest) for every line of the sweep digests about a clock whose subject starts so.

    The sweep tells each person once per run, in one digest listing their cases (deadline id, level).
    """
    deadlines = set(Deadline.objects.filter(label__startswith=prefix).values_list("pk", flat=True))
    return [
        (n.recipient.username, level, n)
        for n in Notification.objects.exclude(digest_key="").select_related("recipient").order_by("id")
        for deadline_id, level in n.items
        if deadline_id in deadlines
    ]


def told(prefix: str) -> dict[int, set[str]]:
    """Who was told about one clock, by level."""
    result: dict[int, set[str]] = {}
    for username, level, _digest in digest_lines(prefix):
        result.setdefault(level, set()).add(username)
    return result


def delegated_dialogue_held_on_29_april(org, petitions):
    with time_machine.travel(at(2026, 4, 28), tick=False):
        dialogue = schedule(
            org, petitions, when=at(2026, 4, 29, 9), chair=org.handler, delegate_reason="Chủ tịch họp HĐND"
        )
    with time_machine.travel(at(2026, 4, 29, 11), tick=False):
        services.dialogue_hold(dialogue=dialogue, actor=org.handler)
    return dialogue


def test_unfinished_minutes_are_reminded_then_escalated_counting_working_days_across_the_holiday(org, complaints):
    dialogue = delegated_dialogue_held_on_29_april(org, complaints)
    deadline = Deadline.objects.get(rule__code="dialogue.minutes")
    assert (deadline.start_date, deadline.due_date, deadline.owner) == (D(2026, 4, 29), D(2026, 5, 8), org.handler)
    prefix = f"Biên bản đối thoại {dialogue.code}"

    sweep_on(D(2026, 5, 6))
    assert told(prefix) == {}
    sweep_on(D(2026, 5, 7))  # one working day before the due date: the chair is reminded
    assert list(told(prefix).values()) == [{"xuly"}]
    sweep_on(D(2026, 5, 8))  # due today: not yet overdue
    assert len(told(prefix)) == 1
    sweep_on(D(2026, 5, 11))  # overdue: the head of the unit hears too
    overdue = [(user, digest) for user, level, digest in digest_lines(prefix) if level == Level.OVERDUE]
    assert {user for user, _digest in overdue if user != "xuly"} == {"chutich"}
    # The digest links the dialogue's own page.
    assert all(f"/can-bo/doi-thoai/{dialogue.pk}/" in digest.body for _user, digest in overdue)
    sweep_on(D(2026, 5, 18))  # five working days later: the parent unit's head and the inspectors
    long_overdue = {user for user, level, _digest in digest_lines(prefix) if level == Level.LONG_OVERDUE}
    assert {"bithu", "thanhtra"} <= long_overdue
    deadline.refresh_from_db()
    assert deadline.level == Level.LONG_OVERDUE

    with time_machine.travel(at(2026, 5, 19), tick=False):
        minutes = services.minutes_save(dialogue=dialogue, actor=org.handler, **MINUTES)
        services.minutes_finalise(minutes=minutes, actor=org.handler)
    deadline.refresh_from_db()
    assert deadline.closed_as == Deadline.ClosedAs.MET


def test_minutes_finalised_in_time_are_never_escalated(org, complaints):
    dialogue = delegated_dialogue_held_on_29_april(org, complaints)
    with time_machine.travel(at(2026, 5, 4), tick=False):
        minutes = services.minutes_save(dialogue=dialogue, actor=org.handler, **MINUTES)
        services.minutes_finalise(minutes=minutes, actor=org.head)
        # A later correction does not reopen the clock.
        services.minutes_correct(dialogue=dialogue, actor=org.head, reason="Sửa lỗi chính tả")
    sweep_on(D(2026, 6, 1))
    assert told(f"Biên bản đối thoại {dialogue.code}") == {}
    assert not Deadline.objects.filter(rule__code="dialogue.minutes", closed_at__isnull=True).exists()


def test_a_follow_up_action_keeps_its_chosen_due_date_and_escalates_to_the_head(org, complaints):
    dialogue = delegated_dialogue_held_on_29_april(org, complaints)
    with time_machine.travel(at(2026, 5, 4), tick=False):
        action = services.followup_add(
            dialogue=dialogue, actor=org.head, description="Đo đạc lại", owner=org.reception, due_date=D(2026, 5, 8)
        )
    deadline = Deadline.objects.get(rule__code="dialogue.followup")
    assert (deadline.due_date, deadline.due_soon_from, deadline.owner) == (D(2026, 5, 8), D(2026, 5, 6), org.reception)
    prefix = f"Việc sau đối thoại {dialogue.code}"
    sweep_on(D(2026, 5, 5))
    assert told(prefix) == {}
    sweep_on(D(2026, 5, 6))
    assert list(told(prefix).values()) == [{"tiepdan"}]
    sweep_on(D(2026, 5, 11))
    assert {"tiepdan", "chutich"} in list(told(prefix).values())
    with time_machine.travel(at(2026, 5, 12), tick=False):
        services.followup_done(action=action, actor=org.reception, note="Đã đo đạc xong")
    before = told(prefix)
    sweep_on(D(2026, 6, 30))
    assert told(prefix) == before


def test_a_confirmed_hotspot_needs_the_head_and_is_met_by_the_heads_dialogue(org, complaints):
    with time_machine.travel(at(2026, 4, 28), tick=False):
        hotspot = hotspots.hotspot_flag(
            actor=org.reception,
            unit=org.commune,
            title="Giải phóng mặt bằng dự án đường vành đai",
            reason="Nhiều hộ dân tập trung đông người",
            risk_level=RiskLevel.HIGH,
            owner=org.handler,
            petitions=list(complaints),
        )
    deadline = Deadline.objects.get(rule__code="hotspot.response")
    # Five working days from Tuesday 28 April, skipping the holidays: Thursday 7 May.
    assert (deadline.due_date, deadline.owner) == (D(2026, 5, 7), org.head)
    # Confirmation tells the head and the parent unit's head.
    assert Notification.objects.filter(recipient=org.city_head, title__contains=hotspot.code).exists()
    sweep_on(D(2026, 5, 8))
    assert "chutich" in {user for user, _level, _digest in digest_lines(f"Điểm nóng {hotspot.code}")}

    # A dialogue chaired by someone else does not count; the head's does.
    with time_machine.travel(at(2026, 5, 8), tick=False):
        by_delegate = schedule(org, complaints, when=at(2026, 5, 11), chair=org.handler, delegate_reason="Ốm")
        by_head = schedule(org, [make_petition(org.commune)], when=at(2026, 5, 12))
        by_delegate.hotspot = by_head.hotspot = hotspot
        by_delegate.save(update_fields=["hotspot"])
        by_head.save(update_fields=["hotspot"])
    with time_machine.travel(at(2026, 5, 11, 11), tick=False):
        services.dialogue_hold(dialogue=by_delegate, actor=org.handler)
    deadline.refresh_from_db()
    hotspot.refresh_from_db()
    assert deadline.closed_at is None and hotspot.status == "confirmed"
    with time_machine.travel(at(2026, 5, 12, 11), tick=False):
        services.dialogue_hold(dialogue=by_head, actor=org.head)
    deadline.refresh_from_db()
    assert deadline.closed_as == Deadline.ClosedAs.MET
    hotspot.refresh_from_db()
    assert hotspot.status == "handled" and by_head.code in hotspot.status_reason
