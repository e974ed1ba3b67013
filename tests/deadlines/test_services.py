import datetime

import pytest
import time_machine

from deadlines.models import CalendarException, Deadline, Extension, Level
from deadlines.services import (
    DeadlineError,
    calendar_exception_delete,
    calendar_exception_save,
    deadlines_recompute_open,
)
from petitions import services as petition_services
from petitions.clocks import deadline_extend
from petitions.models import Channel, Kind

from ..factories import make_petition
from .conftest import at

D = datetime.date


def _due(petition):
    return dict(
        Deadline.objects.filter(petition=petition, closed_at__isnull=True).values_list("rule__code", "due_date")
    )


def _submit(
    unit, kind=Kind.COMPLAINT, channel=Channel.ONLINE, received_at=None, appeal_of=None, first_decision_on=None
):
    petition, _ = petition_services.petition_submit(
        kind=kind,
        title="Đơn",
        content="Nội dung",
        unit=unit,
        petitioner=petition_services.PetitionerData(full_name="Trần Thị B"),
        channel=channel,
        received_at=received_at,
        appeal_of=appeal_of,
        first_decision_on=first_decision_on,
    )
    return petition


@time_machine.travel(at(2026, 2, 13), tick=False)
def test_filing_a_complaint_opens_its_receipt_deadlines(org, rules):
    petition = make_petition(org.commune)
    assert _due(petition) == {"petition.processing": D(2026, 3, 6), "complaint.acceptance": D(2026, 3, 6)}


@pytest.mark.parametrize(
    ("kind", "channel", "codes"),
    [
        (Kind.DENUNCIATION, Channel.ONLINE, {"petition.processing", "denunciation.intake"}),
        (Kind.RECOMMENDATION, Channel.ONLINE, {"petition.processing", "recommendation.reply"}),
        # The head's written answer belongs to the reception visit, not to the petition it produced.
        (Kind.REFLECTION, Channel.HEAD_RECEPTION, {"petition.processing", "reflection.reply"}),
    ],
)
def test_receipt_deadlines_depend_on_kind_and_channel(org, rules, kind, channel, codes):
    assert set(_due(_submit(org.commune, kind=kind, channel=channel))) == codes


def test_day_zero_is_the_date_in_vietnam(org, rules):
    # 23:30 UTC on Monday 2 March is Tuesday 3 March in Hanoi.
    received = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=datetime.UTC)
    petition = _submit(org.commune, received_at=received)
    assert Deadline.objects.get(petition=petition, rule__code="petition.processing").start_date == D(2026, 3, 3)


def test_acceptance_meets_intake_deadlines_and_opens_the_resolution_clock(org, rules):
    with time_machine.travel(at(2026, 1, 15), tick=False):
        petition = make_petition(org.commune)
    with time_machine.travel(at(2026, 1, 17), tick=False):
        petition_services.petition_accept(petition=petition, actor=org.reception)
    assert _due(petition) == {"complaint.first_resolution": D(2026, 2, 23)}
    met = Deadline.objects.filter(petition=petition, closed_as=Deadline.ClosedAs.MET)
    assert set(met.values_list("rule__code", flat=True)) == {"petition.processing", "complaint.acceptance"}


def test_a_second_complaint_gets_the_second_resolution_deadline(org, rules):
    first = make_petition(org.commune)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        second = _submit(org.commune, appeal_of=first, first_decision_on=D(2026, 3, 1))
    with time_machine.travel(at(2026, 3, 16), tick=False):
        petition_services.petition_accept(petition=second, actor=org.reception)
    assert _due(second) == {"complaint.second_resolution": D(2026, 5, 4)}


def test_resolving_meets_the_resolution_deadline_and_withdrawal_cancels(org, rules):
    petition = make_petition(org.commune)
    petition_services.petition_accept(petition=petition, actor=org.reception)
    petition_services.petition_assign(petition=petition, actor=org.reception, handler=org.handler)
    petition_services.petition_resolve(petition=petition, actor=org.handler, decision_text="Quyết định số 1")
    assert _due(petition) == {}
    other = make_petition(org.commune)
    petition_services.petition_withdraw(petition=other, actor=org.reception, reason="Công dân rút đơn")
    assert set(Deadline.objects.filter(petition=other).values_list("closed_as", flat=True)) == {"cancelled"}


def test_suspending_and_resuming_does_not_restart_the_clock(org, rules):
    petition = make_petition(org.commune)
    petition_services.petition_accept(petition=petition, actor=org.reception)
    petition_services.petition_suspend(petition=petition, actor=org.head, reason="Chờ giám định")
    petition_services.petition_resume(petition=petition, actor=org.head)
    assert Deadline.objects.filter(petition=petition, rule__code="complaint.first_resolution").count() == 1


def test_reclassifying_swaps_the_clocks_of_the_old_kind_for_the_new(org, rules):
    with time_machine.travel(at(2026, 2, 13), tick=False):
        petition = make_petition(org.commune)
        petition_services.petition_classify(
            petition=petition, actor=org.reception, kind=Kind.DENUNCIATION, is_complex=False, is_remote=False
        )
    assert _due(petition) == {"petition.processing": D(2026, 3, 6), "denunciation.intake": D(2026, 3, 3)}
    cancelled = Deadline.objects.get(petition=petition, rule__code="complaint.acceptance")
    assert cancelled.closed_as == Deadline.ClosedAs.CANCELLED


def test_marking_a_case_complex_after_acceptance_recomputes_its_deadline(org, rules):
    petition = make_petition(org.commune)
    with time_machine.travel(at(2026, 1, 17), tick=False):
        petition_services.petition_accept(petition=petition, actor=org.reception)
        petition_services.petition_classify(
            petition=petition,
            actor=org.reception,
            kind=Kind.COMPLAINT,
            is_complex=True,
            is_remote=False,
            reason="Nhiều bên liên quan",
        )
    assert _due(petition) == {"complaint.first_resolution": D(2026, 3, 3)}


@pytest.fixture
def denunciation(org, rules):
    petition = _submit(org.commune, kind=Kind.DENUNCIATION)
    with time_machine.travel(at(2027, 1, 6), tick=False):
        petition_services.petition_accept(petition=petition, actor=org.reception)
        petition_services.petition_classify(
            petition=petition,
            actor=org.reception,
            kind=Kind.DENUNCIATION,
            is_complex=True,
            is_especially_complex=True,
            is_remote=False,
            reason="Nhiều đối tượng, nhiều địa bàn",
        )
    return Deadline.objects.get(petition=petition, rule__code="denunciation.resolution")


def test_a_head_extends_a_denunciation_twice_and_no_more(org, denunciation):
    assert denunciation.due_date == D(2027, 2, 11)
    deadline_extend(deadline=denunciation, actor=org.head, reason="Vụ việc phức tạp")
    denunciation.refresh_from_db()
    assert (denunciation.due_date, denunciation.extensions) == (D(2027, 3, 8), 1)
    deadline_extend(deadline=denunciation, actor=org.head, reason="Cần giám định thêm")
    denunciation.refresh_from_db()
    assert denunciation.due_date == D(2027, 4, 6)
    with pytest.raises(DeadlineError):
        deadline_extend(deadline=denunciation, actor=org.head, reason="Lần ba")
    record = list(Extension.objects.filter(deadline=denunciation).values_list("decided_by", "days", "new_due_date"))
    assert record == [(org.head.pk, 30, D(2027, 3, 8)), (org.head.pk, 30, D(2027, 4, 6))]
    history = list(denunciation.petition.history.filter(action="extend").values_list("actor", "is_public", "reason"))
    assert [(actor, public) for actor, public, _ in history] == [(org.head.pk, True), (org.head.pk, True)]
    assert "06/04/2027" in history[-1][2] and "Cần giám định thêm" in history[-1][2]


def test_only_a_head_may_extend_and_only_with_a_reason(org, denunciation):
    with pytest.raises(DeadlineError):
        deadline_extend(deadline=denunciation, actor=org.handler, reason="Lý do")
    with pytest.raises(DeadlineError):
        deadline_extend(deadline=denunciation, actor=org.head, reason="  ")
    complaint = make_petition(org.commune)
    with pytest.raises(DeadlineError):
        deadline_extend(
            deadline=Deadline.objects.get(petition=complaint, rule__code="petition.processing"),
            actor=org.head,
            reason="Lý do",
        )
    assert not Extension.objects.exists()


def test_an_extension_puts_an_overdue_deadline_back_on_time(org, denunciation):
    Deadline.objects.filter(pk=denunciation.pk).update(level=Level.OVERDUE)
    with time_machine.travel(at(2027, 2, 15), tick=False):
        deadline_extend(deadline=denunciation, actor=org.head, reason="Vụ việc phức tạp")
    denunciation.refresh_from_db()
    assert denunciation.level == Level.NONE


def test_a_calendar_change_recomputes_open_cases_only(org, rules):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        open_case = make_petition(org.commune)
        closed_case = make_petition(org.commune)
        petition_services.petition_guide(petition=closed_case, actor=org.reception, reason="Hướng dẫn")
    assert _due(open_case)["petition.processing"] == D(2026, 3, 16)
    exception = calendar_exception_save(date=D(2026, 3, 10), kind=CalendarException.Kind.DAY_OFF, name="Nghỉ")
    assert _due(open_case) == {"petition.processing": D(2026, 3, 17), "complaint.acceptance": D(2026, 3, 17)}
    assert Deadline.objects.get(petition=closed_case, rule__code="petition.processing").due_date == D(2026, 3, 16)
    calendar_exception_save(date=D(2026, 3, 14), kind=CalendarException.Kind.WORKING_DAY, name="Làm bù", exception=None)
    assert _due(open_case)["petition.processing"] == D(2026, 3, 16)
    calendar_exception_delete(exception=exception)
    # Day off gone, the make-up Saturday stays: the tenth working day is that Saturday.
    assert _due(open_case)["petition.processing"] == D(2026, 3, 14)


def test_a_calendar_change_recomputes_in_bulk(org, rules, django_assert_max_num_queries):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        for _ in range(20):
            make_petition(org.commune)
    # A bounded number of queries for any number of cases: one UPDATE per group of equal dates.
    with django_assert_max_num_queries(12):
        calendar_exception_save(date=D(2026, 3, 10), kind=CalendarException.Kind.DAY_OFF, name="Nghỉ")
    assert set(Deadline.objects.values_list("due_date", flat=True)) == {D(2026, 3, 17)}


def test_a_calendar_change_puts_a_case_back_from_overdue(org, rules):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        petition = make_petition(org.commune)
    Deadline.objects.filter(petition=petition).update(level=Level.OVERDUE)
    with time_machine.travel(at(2026, 3, 17), tick=False):
        calendar_exception_save(date=D(2026, 3, 10), kind=CalendarException.Kind.DAY_OFF, name="Nghỉ")
    assert set(Deadline.objects.filter(petition=petition).values_list("level", flat=True)) == {Level.DUE_SOON}


def test_recompute_without_changes_writes_nothing(org, rules, django_assert_num_queries):
    make_petition(org.commune)
    with django_assert_num_queries(2):
        assert deadlines_recompute_open() == 0
