"""Deadlines of subjects other than petitions (minutes, follow-up actions, findings, written answers)."""

import datetime

import pytest

from core.models import Notification
from deadlines.models import Deadline, DeadlineRule, Escalation, Level
from deadlines.services import deadline_close, deadline_open, deadlines_recompute_open
from deadlines.services_sweep import deadlines_sweep

D = datetime.date


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def rule(rules):
    return DeadlineRule.objects.create(
        code="test.subject", name="Finish the minutes", start_event="subject", length=5, unit="working",
        due_soon_days=1, long_overdue_days=5,
    )  # fmt: skip


def _open(org, subject, **kwargs):
    return deadline_open(
        rule_code="test.subject", subject=subject, unit=org.commune, start=D(2026, 3, 2), label="Minutes DL-1", **kwargs
    )


def test_a_subject_gets_one_clock_per_rule_with_working_days(org, rule):
    first = _open(org, org.department, owner=org.handler, url="/x/")
    again = _open(org, org.department, owner=org.handler)
    assert first.pk == again.pk and Deadline.objects.count() == 1
    # Monday 2 March + 5 working days = Monday 9 March.
    assert first.due_date == D(2026, 3, 9) and first.petition_id is None


def test_an_inactive_rule_opens_nothing(org, rule):
    rule.is_active = False
    rule.save()
    assert _open(org, org.department) is None


def test_the_sweep_tells_the_owner_then_the_head_then_the_parent_and_inspectors(org, rule):
    _open(org, org.department, owner=org.handler, url="/bien-ban/1/")
    deadlines_sweep(today=D(2026, 3, 6))
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"xuly"}
    # One digest whose e-mail body links the subject's own page; the digest page lists it.
    note = Notification.objects.get()
    assert "Minutes DL-1" in note.body and "/bien-ban/1/" in note.body and len(note.items) == 1
    deadlines_sweep(today=D(2026, 3, 17))
    long_overdue = Notification.objects.filter(title__contains="1 long overdue")
    assert set(long_overdue.values_list("recipient__username", flat=True)) == {"xuly", "chutich", "bithu", "thanhtra"}


def test_a_chosen_due_date_is_kept_when_the_calendar_changes(org, rule):
    deadline = _open(org, org.department, owner=org.handler, due_date=D(2026, 3, 20))
    assert deadline.due_date == D(2026, 3, 20) and deadline.due_soon_from == D(2026, 3, 19)
    deadlines_recompute_open()
    deadline.refresh_from_db()
    assert deadline.due_date == D(2026, 3, 20)


def test_closing_stops_the_sweep(org, rule):
    _open(org, org.department, owner=org.handler)
    assert deadline_close(subject=org.department, rule_code="test.subject") == 1
    deadlines_sweep(today=D(2026, 4, 30))
    assert not Escalation.objects.exists()
    assert Deadline.objects.get().closed_as == Deadline.ClosedAs.MET


def test_a_paused_clock_is_never_escalated(org, rule):
    deadline = _open(org, org.department, owner=org.handler)
    Deadline.objects.filter(pk=deadline.pk).update(paused_at=D(2026, 3, 3))
    deadlines_sweep(today=D(2026, 4, 30))
    assert Deadline.objects.get().level == Level.NONE and not Notification.objects.exists()
