"""The legal logic around the deadlines (issue: "The law, exactly"), each rule against its article.

Dates are chosen around Tết 2027: Thursday 4 February to Wednesday 10 February are days off.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from core import services as core_services
from core.selectors import jurisdiction_for
from deadlines.models import Deadline, Level
from deadlines.services import DeadlineError
from deadlines.services_sweep import deadlines_sweep
from petitions import services
from petitions.clocks import can_extend, deadline_extend
from petitions.models import Kind, Obstacle, Petition, PetitionHistory
from petitions.services import PetitionerData, PetitionError
from petitions.workflow import Status

from ..deadlines.conftest import at
from ..factories import make_staff

D = datetime.date
CALCULATOR = "/api/v1/deadlines/"


def submit(org, *, kind=Kind.COMPLAINT, on=None, unit=None, anonymous=False, **kwargs) -> Petition:
    on = on or D(2027, 1, 4)
    with time_machine.travel(at(on.year, on.month, on.day), tick=False):
        petition, _key = services.petition_submit(
            kind=kind,
            title="Đơn về thu hồi đất",
            content="Nội dung",
            unit=unit or org.commune,
            petitioner=PetitionerData(full_name="" if anonymous else "Trần Thị B", id_number="001085012345"),
            is_anonymous=anonymous,
            **kwargs,
        )
    return petition


def act(day: datetime.date, service, **kwargs):
    with time_machine.travel(at(day.year, day.month, day.day), tick=False):
        return service(**kwargs)


def accept(org, petition, day, **kwargs):
    return act(day, services.petition_accept, petition=petition, actor=org.reception, **kwargs)


def open_dates(petition) -> dict[str, datetime.date]:
    return dict(
        Deadline.objects.filter(petition=petition, closed_at__isnull=True).values_list("rule__code", "due_date")
    )


def closed(petition) -> dict[str, str]:
    return dict(
        Deadline.objects.filter(petition=petition, closed_at__isnull=False).values_list("rule__code", "closed_as")
    )


# 1. A forward is not an appeal ----------------------------------------------------------------


def test_a_forwarded_complaint_is_a_first_time_case_at_its_new_unit(org):
    original = submit(org, on=D(2027, 2, 25))
    act(
        D(2027, 2, 26),
        services.petition_forward,
        petition=original,
        actor=org.reception,
        reason="Thuộc thẩm quyền phường Hoàn Kiếm",
        to_unit=org.other_commune,
    )
    forwarded = Petition.objects.get(forwarded_from=original)
    assert forwarded.appeal_of is None
    receiver = make_staff(org.other_commune, username="tiepdan-hk")
    act(D(2027, 3, 1), services.petition_accept, petition=forwarded, actor=receiver)
    assert open_dates(forwarded) == {"complaint.first_resolution": D(2027, 3, 31)}


def test_only_an_explicit_second_complaint_opens_the_second_level_rules(org):
    first = submit(org, on=D(2027, 1, 4))
    second = submit(org, on=D(2027, 2, 25), appeal_of=first, first_decision_on=D(2027, 2, 1), unit=org.city)
    city_reception = make_staff(org.city, username="tiepdan-tp")
    act(D(2027, 3, 1), services.petition_accept, petition=second, actor=city_reception)
    # Art. 37: 45 calendar days from acceptance.
    assert open_dates(second) == {"complaint.second_resolution": D(2027, 4, 15)}


def test_a_second_complaint_must_be_a_complaint_against_a_complaint(org):
    first = submit(org, kind=Kind.RECOMMENDATION)
    with pytest.raises(PetitionError):
        submit(org, appeal_of=first, first_decision_on=D(2027, 1, 2))


# 2. The calculator's flags --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "due"),
    [({"complex": "0", "remote": "0"}, "2027-03-31"), ({"complex": "no"}, "2027-03-31"),
     ({"complex": "false", "remote": "FALSE"}, "2027-03-31"), ({"complex": "1"}, "2027-04-15"),
     # 60 days end on 30 April; 30 April, 1 May and its Monday substitute are holidays.
     ({"complex": "yes", "remote": "true"}, "2027-05-04")],
)  # fmt: skip
def test_the_calculator_reads_flags_as_written(client, rules, flags, due):
    response = client.get(CALCULATOR, {"rule": "complaint.first_resolution", "start": "2027-03-01", **flags})
    assert response.status_code == 200, response.json()
    assert response.json()["due"] == due


def test_an_unreadable_flag_is_a_400_with_a_message(client, rules):
    response = client.get(
        CALCULATOR,
        {"rule": "complaint.first_resolution", "start": "2027-03-01", "complex": "2"},
    )
    assert response.status_code == 400 and "complex" in response.json()["detail"]


# 4. Suspension stops the clock ------------------------------------------------------------------


def test_suspended_time_does_not_count_in_calendar_or_working_days_across_tet(org):
    complaint = submit(org, on=D(2027, 1, 18))
    accept(org, complaint, D(2027, 1, 20))
    reflection = submit(org, kind=Kind.RECOMMENDATION, on=D(2027, 1, 25))
    accept(org, reflection, D(2027, 1, 26))
    assert open_dates(complaint) == {"complaint.first_resolution": D(2027, 2, 19)}
    assert open_dates(reflection) == {"recommendation.reply": D(2027, 2, 22)}
    for petition in (complaint, reflection):
        act(D(2027, 2, 1), services.petition_suspend, petition=petition, actor=org.head, reason="Chờ giám định")

    # While suspended nothing is escalated, however late it gets.
    deadlines_sweep(today=D(2027, 3, 30))
    assert set(Deadline.objects.filter(closed_at__isnull=True).values_list("level", flat=True)) == {Level.NONE}

    for petition in (complaint, reflection):
        act(D(2027, 2, 15), services.petition_resume, petition=petition, actor=org.head, reason="Đã có kết quả")
    # 14 calendar days suspended: 30 + 14 from 20 January.
    assert open_dates(complaint) == {"complaint.first_resolution": D(2027, 3, 5)}
    # 5 working days suspended (2, 3, 11, 12 and 15 February; Tết is not counted): 15 + 5 from 25 January.
    assert open_dates(reflection) == {"recommendation.reply": D(2027, 3, 1)}
    moves = list(
        PetitionHistory.objects.filter(petition=reflection, action="deadline").values_list("reason", flat=True)
    )
    assert len(moves) == 2 and "01/02/2027" in moves[0] and "01/03/2027" in moves[1]
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED


def test_a_calendar_change_keeps_the_suspended_days(org):
    from deadlines.services import calendar_exception_save

    complaint = submit(org, on=D(2027, 1, 18))
    accept(org, complaint, D(2027, 1, 20))
    act(D(2027, 2, 1), services.petition_suspend, petition=complaint, actor=org.head, reason="Chờ giám định")
    act(D(2027, 2, 15), services.petition_resume, petition=complaint, actor=org.head, reason="Tiếp tục")
    calendar_exception_save(date=D(2027, 3, 2), kind="day_off", name="Nghỉ bù")
    assert open_dates(complaint) == {"complaint.first_resolution": D(2027, 3, 5)}


# 5. Filing limits ---------------------------------------------------------------------------------


def test_a_late_complaint_is_refused_without_a_legitimate_obstacle(org):
    # Decision known 1 December 2026: 90 calendar days end on Monday 1 March 2027 (Art. 9).
    late = submit(org, on=D(2027, 3, 10), decision_known_on=D(2026, 12, 1))
    with pytest.raises(PetitionError, match="01/03/2027"):
        accept(org, late, D(2027, 3, 11))
    with pytest.raises(PetitionError):
        accept(org, late, D(2027, 3, 11), late_obstacle=Obstacle.ILLNESS)  # no description
    accept(org, late, D(2027, 3, 11), late_obstacle=Obstacle.ILLNESS, reason="Nằm viện từ 20/02 đến 08/03")
    late.refresh_from_db()
    assert late.status == Status.ACCEPTED and late.late_obstacle == Obstacle.ILLNESS
    entry = PetitionHistory.objects.get(petition=late, action="accept")
    assert "Nằm viện" in entry.reason


def test_a_late_complaint_may_be_rejected_as_out_of_time(org):
    late = submit(org, on=D(2027, 3, 10), decision_known_on=D(2026, 12, 1))
    act(D(2027, 3, 11), services.petition_reject, petition=late, actor=org.reception, reason="Hết thời hiệu (Điều 9)")
    assert Petition.objects.get(pk=late.pk).status == Status.REJECTED
    assert open_dates(late) == {}


def test_a_complaint_within_its_limit_is_accepted(org):
    on_time = submit(org, on=D(2027, 3, 1), decision_known_on=D(2026, 12, 1))
    accept(org, on_time, D(2027, 3, 2))
    assert Petition.objects.get(pk=on_time.pk).status == Status.ACCEPTED


def test_a_second_complaint_has_its_own_limit_and_remote_areas_get_longer(org):
    first = submit(org, on=D(2026, 12, 1))
    late = submit(org, on=D(2027, 2, 20), appeal_of=first, first_decision_on=D(2027, 1, 4))
    with pytest.raises(PetitionError, match="03/02/2027"):
        accept(org, late, D(2027, 2, 22))
    remote = submit(org, on=D(2027, 2, 17), appeal_of=first, first_decision_on=D(2027, 1, 4))
    Petition.objects.filter(pk=remote.pk).update(is_remote=True)
    remote.refresh_from_db()
    accept(org, remote, D(2027, 2, 18))  # 45 days for a remote area: until 18 February


def test_a_second_complaint_without_a_decision_waits_for_the_first_deadline(org):
    first = submit(org, on=D(2027, 1, 4))
    accept(org, first, D(2027, 1, 4))  # first resolution due 3 February 2027
    early = submit(org, on=D(2027, 1, 20), appeal_of=first)
    with pytest.raises(PetitionError, match=r"Art\. 33|Điều 33"):
        accept(org, early, D(2027, 1, 21), late_obstacle=Obstacle.OTHER, reason="x")
    # Art. 33: once the first-resolution deadline passed without a decision it is admissible.
    overdue = submit(org, on=D(2027, 2, 11), appeal_of=first)
    accept(org, overdue, D(2027, 2, 11))
    assert Petition.objects.get(pk=overdue.pk).status == Status.ACCEPTED


# 6. Extensions follow complexity ------------------------------------------------------------------


def _denunciation(org, *, complex_=False, especially=False):
    petition = submit(org, kind=Kind.DENUNCIATION, on=D(2027, 1, 4))
    accept(org, petition, D(2027, 1, 6))
    if complex_ or especially:
        act(
            D(2027, 1, 7),
            services.petition_classify,
            petition=petition,
            actor=org.head,
            kind=Kind.DENUNCIATION,
            is_complex=True,
            is_especially_complex=especially,
            is_remote=False,
            reason="Nhiều đối tượng liên quan",
        )
    return Deadline.objects.get(petition=petition, rule__code="denunciation.resolution")


@pytest.mark.parametrize(("complex_", "especially", "allowed"), [(False, False, 0), (True, False, 1), (True, True, 2)])
def test_a_denunciation_is_extended_only_as_often_as_its_complexity_allows(org, complex_, especially, allowed):
    deadline = _denunciation(org, complex_=complex_, especially=especially)
    for _ in range(allowed):
        deadline_extend(deadline=deadline, actor=org.head, reason="Cần thêm thời gian xác minh")
    deadline.refresh_from_db()
    # 30, 60 or 90 calendar days from 6 January; 5 February is in Tết and 7 March a Sunday (Civil Code Art. 148).
    assert deadline.extensions == allowed
    assert deadline.due_date == [D(2027, 2, 11), D(2027, 3, 8), D(2027, 4, 6)][allowed]
    assert not can_extend(user=org.head, deadline=deadline)
    with pytest.raises(DeadlineError):
        deadline_extend(deadline=deadline, actor=org.head, reason="Thêm lần nữa")


def test_complexity_is_a_recorded_decision(org):
    petition = submit(org, kind=Kind.DENUNCIATION)
    with pytest.raises(PetitionError):
        services.petition_classify(
            petition=petition, actor=org.head, kind=Kind.DENUNCIATION, is_complex=True, is_remote=False
        )
    services.petition_classify(
        petition=petition, actor=org.head, kind=Kind.DENUNCIATION, is_complex=True, is_remote=False, reason="Phức tạp"
    )
    entry = PetitionHistory.objects.get(petition=petition, action="classify")
    assert entry.actor == org.head and "Phức tạp" in entry.reason


@pytest.mark.parametrize(
    ("params", "status"),
    [({"extensions": 1}, 400), ({"complex": "1", "extensions": 1}, 200), ({"complex": "1", "extensions": 2}, 400),
     ({"especially_complex": "1", "extensions": 2}, 200)],
)  # fmt: skip
def test_the_calculator_applies_the_complexity_to_extensions(client, rules, params, status):
    response = client.get(CALCULATOR, {"rule": "denunciation.resolution", "start": "2027-01-06", **params})
    assert response.status_code == status


# 7. Withdrawing a denunciation ---------------------------------------------------------------------


def test_a_withdrawn_denunciation_with_signs_of_violation_goes_on(org):
    deadline = _denunciation(org)
    petition = deadline.petition
    services.petition_withdraw(
        petition=petition, actor=org.head, reason="Người tố cáo rút đơn; có dấu hiệu vi phạm", signs_of_violation=True
    )
    petition.refresh_from_db()
    assert petition.status == Status.ACCEPTED
    assert open_dates(petition)["denunciation.resolution"] == D(2027, 2, 11)
    assert PetitionHistory.objects.filter(petition=petition, action="withdraw_noted").count() == 1


def test_a_withdrawn_denunciation_without_signs_stops_with_a_decision(org):
    deadline = _denunciation(org)
    petition = deadline.petition
    services.petition_withdraw(petition=petition, actor=org.head, reason="Đình chỉ giải quyết tố cáo")
    petition.refresh_from_db()
    assert petition.status == Status.WITHDRAWN and open_dates(petition) == {}
    assert closed(petition)["denunciation.resolution"] == Deadline.ClosedAs.CANCELLED


def test_signs_of_violation_only_apply_to_denunciations(org):
    complaint = submit(org)
    accept(org, complaint, D(2027, 1, 5))
    with pytest.raises(PetitionError):
        services.petition_withdraw(petition=complaint, actor=org.head, reason="Rút", signs_of_violation=True)


# 8. Anonymous content is information, on every path --------------------------------------------


def test_an_anonymous_denunciation_runs_no_denunciation_clock(org):
    anonymous = submit(org, kind=Kind.DENUNCIATION, anonymous=True)
    assert "denunciation.intake" not in open_dates(anonymous)


def test_an_accepted_anonymous_petition_cannot_become_a_denunciation(org):
    anonymous = submit(org, kind=Kind.REFLECTION, anonymous=True)
    accept(org, anonymous, D(2027, 1, 5))
    with pytest.raises(PetitionError, match=r"Art\. 25|Điều 25"):
        services.petition_classify(
            petition=anonymous, actor=org.reception, kind=Kind.DENUNCIATION, is_complex=False, is_remote=False
        )
    assert not Deadline.objects.filter(petition=anonymous, rule__applies_to_kind=Kind.DENUNCIATION).exists()


def test_an_anonymous_petition_reclassified_before_acceptance_opens_no_denunciation_clock(org):
    anonymous = submit(org, kind=Kind.REFLECTION, anonymous=True)
    services.petition_classify(
        petition=anonymous, actor=org.reception, kind=Kind.DENUNCIATION, is_complex=False, is_remote=False
    )
    assert not Deadline.objects.filter(petition=anonymous, rule__applies_to_kind=Kind.DENUNCIATION).exists()


# 9. Powers follow the current term --------------------------------------------------------------


def test_a_former_head_loses_head_powers_but_history_keeps_the_term(org):
    deadline = _denunciation(org, complex_=True)
    successor = make_staff(org.city, username="chutich-moi")
    core_services.unit_head_assign(unit=org.commune, user=successor, started_on=D(2027, 1, 10))
    former = type(org.head).objects.get(pk=org.head.pk)  # a fresh request: no cached jurisdiction
    assert not jurisdiction_for(former).has_role("head", unit_id=org.commune.pk)
    assert not can_extend(user=former, deadline=deadline)
    with pytest.raises(DeadlineError):
        deadline_extend(deadline=deadline, actor=former, reason="Gia hạn")
    deadline_extend(deadline=deadline, actor=successor, reason="Gia hạn")
    terms = list(org.commune.head_terms.order_by("started_on").values_list("user_id", "ended_on"))
    assert terms == [(org.head.pk, D(2027, 1, 10)), (successor.pk, None)]


# 13. Dates of receipt -------------------------------------------------------------------------------


def test_a_date_of_receipt_too_far_back_is_refused_with_a_message(org):
    with pytest.raises(PetitionError, match="365"):
        submit(org, on=D(2027, 1, 4), received_at=at(1990, 1, 4))
    assert not Petition.objects.exists()


def test_the_registration_form_refuses_an_old_date_and_keeps_what_was_typed(client, org):
    client.force_login(org.reception)
    response = client.post(
        reverse("petitions:register"),
        {"channel": "post", "received_on": "1990-01-04", "kind": "complaint", "unit": org.commune.pk,
         "title": "Đơn gửi qua bưu điện", "content": "Nội dung dài", "full_name": "Lê Văn C", "people_count": 1},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Đơn gửi qua bưu điện" in response.content.decode() and not Petition.objects.exists()


# 14. The staff API shows the deadlines ------------------------------------------------------------


def test_the_staff_api_detail_lists_the_deadlines(org, token_client):
    deadline = _denunciation(org, complex_=True)
    body = token_client(org.reception).get(reverse("api-staff-petition", args=[deadline.petition_id])).json()
    by_rule = {d["rule"]: d for d in body["deadlines"]}
    assert by_rule["denunciation.resolution"]["due_date"] == "2027-02-11"
    assert by_rule["denunciation.resolution"]["paused"] is False and by_rule["denunciation.resolution"]["level"]
    assert by_rule["denunciation.intake"]["closed_as"] == "met"


# The table: every kind and path, the clocks it opens and their due dates ---------------------------


def _path_forwarded(org):
    p = submit(org, on=D(2027, 2, 25))
    act(D(2027, 2, 26), services.petition_forward, petition=p, actor=org.reception, reason="x", to_unit=org.department)
    new = Petition.objects.get(forwarded_from=p)
    act(D(2027, 3, 1), services.petition_accept, petition=new, actor=make_staff(org.department))
    return new


def _path_second(org):
    first = submit(org, on=D(2026, 12, 1))
    p = submit(org, on=D(2027, 2, 25), appeal_of=first, first_decision_on=D(2027, 2, 1))
    accept(org, p, D(2027, 3, 1))
    return p


def _path_suspended(org):
    p = submit(org, on=D(2027, 1, 18))
    accept(org, p, D(2027, 1, 20))
    act(D(2027, 2, 1), services.petition_suspend, petition=p, actor=org.head, reason="x")
    act(D(2027, 2, 15), services.petition_resume, petition=p, actor=org.head, reason="x")
    return p


def _path_extended(times):
    def path(org):
        deadline = _denunciation(org, complex_=True, especially=times == 2)
        for _ in range(times):
            deadline_extend(deadline=deadline, actor=org.head, reason="x")
        return deadline.petition

    return path


def _path_withdrawn(signs):
    def path(org):
        p = _denunciation(org).petition
        services.petition_withdraw(petition=p, actor=org.head, reason="Rút đơn", signs_of_violation=signs)
        return p

    return path


def _path_late(accepted):
    def path(org):
        p = submit(org, on=D(2027, 3, 10), decision_known_on=D(2026, 12, 1))
        if accepted:
            accept(org, p, D(2027, 3, 11), late_obstacle=Obstacle.DISASTER, reason="Lũ lụt")
        else:
            act(D(2027, 3, 11), services.petition_reject, petition=p, actor=org.reception, reason="Hết thời hiệu")
        return p

    return path


def _path_received(kind):
    def path(org):
        return submit(org, kind=kind, on=D(2027, 1, 4))

    return path


PROCESSING = {"petition.processing": D(2027, 1, 18)}
NOTICE = {"denunciation.acceptance_notice": D(2027, 1, 13)}
PATHS = {
    "complaint": (_path_received(Kind.COMPLAINT), {**PROCESSING, "complaint.acceptance": D(2027, 1, 18)}),
    "denunciation": (_path_received(Kind.DENUNCIATION), {**PROCESSING, "denunciation.intake": D(2027, 1, 13)}),
    "recommendation": (_path_received(Kind.RECOMMENDATION), {**PROCESSING, "recommendation.reply": D(2027, 1, 25)}),
    "reflection": (_path_received(Kind.REFLECTION), {**PROCESSING, "reflection.reply": D(2027, 1, 25)}),
    "forwarded": (_path_forwarded, {"complaint.first_resolution": D(2027, 3, 31)}),
    "second-complaint": (_path_second, {"complaint.second_resolution": D(2027, 4, 15)}),
    "suspended-and-resumed": (_path_suspended, {"complaint.first_resolution": D(2027, 3, 5)}),
    "extended-once": (_path_extended(1), {**NOTICE, "denunciation.resolution": D(2027, 3, 8)}),
    "extended-twice": (_path_extended(2), {**NOTICE, "denunciation.resolution": D(2027, 4, 6)}),
    "withdrawn-with-signs": (_path_withdrawn(True), {**NOTICE, "denunciation.resolution": D(2027, 2, 11)}),
    "withdrawn": (_path_withdrawn(False), {}),
    "late-accepted": (_path_late(True), {"complaint.first_resolution": D(2027, 4, 12)}),
    "late-rejected": (_path_late(False), {}),
}


@pytest.mark.parametrize(("path", "expected"), PATHS.values(), ids=PATHS.keys())
def test_each_path_opens_the_right_clocks_with_the_right_dates(org, path, expected):
    assert open_dates(path(org)) == expected
