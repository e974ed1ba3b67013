"""The head's written answer after a reception (Reg. 11; issue 8, point 3).

The clock opens when the head records a conclusion, whatever the outcome, with the reception day as
day zero; a recorded written answer meets it.
"""

import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import Role
from deadlines.models import Deadline, Escalation, Level
from deadlines.services_sweep import deadlines_sweep
from petitions.models import Kind
from reception import selectors, services
from reception.models import Direction, HeadConclusion, WrittenAnswer
from reception.services import VisitorData
from tests.factories import make_staff

from .conftest import MONDAY, at, make_session

DUE = datetime.date(2025, 10, 20)  # 10 working days after Monday 6 Oct 2025
WEDNESDAY = MONDAY + datetime.timedelta(days=2)
NAME = "Vi Thị Bảo"


@pytest.fixture
def heads_session(org, now_monday, rules):
    session = make_session(org.commune, MONDAY, start=(7, 30))
    services.session_record_holder(session=session, actor=org.reception, held_by=org.head)
    return session


def _visit(org, session, **kwargs):
    return services.visit_record(
        unit=org.commune,
        recorded_by=org.reception,
        visitor=VisitorData(full_name=NAME, id_number="001085011111", address="7 Lý Thường Kiệt"),
        content="Đề nghị xem xét việc cấp phép xây dựng",
        session=session,
        **kwargs,
    )


def _deadline(conclusion) -> Deadline:
    return Deadline.objects.get(
        subject_type=ContentType.objects.get_for_model(HeadConclusion),
        subject_id=conclusion.pk,
        rule__code="reg11.written_notice",
    )


def _conclude(org, visit, direction=Direction.ACCEPT):
    return services.conclusion_record(visit=visit, actor=org.head, direction=direction, text="Giao phòng Kinh tế")


@pytest.mark.parametrize("outcome", ["pending", "guided", "forwarded", "petition"])
@pytest.mark.parametrize("direction", [Direction.ACCEPT, Direction.GUIDE, Direction.FORWARD])
def test_the_conclusion_opens_the_clock_whatever_the_outcome(org, heads_session, outcome, direction):
    visit = _visit(org, heads_session)
    if outcome == "guided":
        services.visit_guide(visit=visit, actor=org.reception, guidance="Hướng dẫn gửi đơn đến UBND")
    elif outcome == "forwarded":
        services.visit_forward(visit=visit, actor=org.reception, to_body="Tòa án nhân dân")
    elif outcome == "petition":
        services.visit_register_petition(visit=visit, actor=org.reception, kind=Kind.RECOMMENDATION, title="T")
    conclusion = _conclude(org, visit, direction)
    deadline = _deadline(conclusion)
    assert (deadline.start_date, deadline.due_date, deadline.owner, deadline.unit) == (
        MONDAY,
        DUE,
        org.head,
        org.commune,
    )
    assert deadline.closed_at is None
    assert NAME not in deadline.label and deadline.url == reverse("reception:visit_detail", args=[visit.pk])
    # Exactly one clock, and none on the petition any more.
    assert Deadline.objects.filter(rule__code="reg11.written_notice").count() == 1


def test_day_zero_is_the_reception_day_even_when_the_conclusion_comes_later(org, heads_session):
    visit = _visit(org, heads_session)
    with time_machine.travel(at(WEDNESDAY, 16), tick=False):
        conclusion = _conclude(org, visit)
    assert (_deadline(conclusion).start_date, _deadline(conclusion).due_date) == (MONDAY, DUE)


def test_no_clock_without_a_conclusion(org, heads_session):
    _visit(org, heads_session)
    assert not Deadline.objects.filter(rule__code="reg11.written_notice").exists()


def test_a_recorded_written_answer_meets_the_clock(org, heads_session):
    visit = _visit(org, heads_session)
    conclusion = _conclude(org, visit)
    with time_machine.travel(at(WEDNESDAY, 10), tick=False):
        answer = services.written_answer_record(
            conclusion=conclusion,
            actor=org.reception,  # the unit's reception office records it for the head
            answered_on=WEDNESDAY,
            text="UBND phường đã giao phòng Kinh tế kiểm tra và trả lời trước 30/10/2025.",
            reference="125/TB-UBND",
        )
    assert (answer.signed_by, answer.recorded_by, answer.answered_on) == (org.head, org.reception, WEDNESDAY)
    deadline = _deadline(conclusion)
    assert deadline.closed_at is not None and deadline.closed_as == Deadline.ClosedAs.MET
    deadlines_sweep(today=datetime.date(2025, 10, 28))
    assert not Escalation.objects.filter(deadline=deadline).exists()
    with pytest.raises(services.ReceptionError, match="đã được ghi nhận"):
        services.written_answer_record(conclusion=conclusion, actor=org.head, answered_on=WEDNESDAY, text="Lần hai")


def test_a_written_answer_is_checked(org, heads_session):
    conclusion = _conclude(org, _visit(org, heads_session))
    bad = [
        (org.head, MONDAY + datetime.timedelta(days=1), "Nội dung"),  # in the future (today is Monday)
        (org.head, MONDAY - datetime.timedelta(days=1), "Nội dung"),  # before the reception day
        (org.head, MONDAY, "   "),  # no text
        (org.outsider, MONDAY, "Nội dung"),  # another unit's officer
        (org.inspector, MONDAY, "Nội dung"),  # read-only
    ]
    for actor, day, text in bad:
        with pytest.raises(services.ReceptionError):
            services.written_answer_record(conclusion=conclusion, actor=actor, answered_on=day, text=text)
    assert not WrittenAnswer.objects.exists()


def test_the_sweep_escalates_an_unanswered_case_to_the_head_without_the_visitors_name(org, heads_session):
    conclusion = _conclude(org, _visit(org, heads_session))
    before = org.head.notifications.count()
    deadlines_sweep(today=datetime.date(2025, 10, 21))
    deadline = _deadline(conclusion)
    assert deadline.level >= Level.OVERDUE
    notices = org.head.notifications.all()[before:] if before else org.head.notifications.all()
    assert notices and all(NAME not in f"{n.title} {n.body}" for n in notices)


def test_the_visit_page_shows_the_deadline_and_takes_the_answer(
    client, org, heads_session, django_assert_max_num_queries
):
    visit = _visit(org, heads_session)
    _conclude(org, visit)
    client.force_login(org.head)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("reception:visit_detail", args=[visit.pk]))
    assert "20/10/2025" in page.text and page.context["answer_form"] is not None
    response = client.post(
        reverse("reception:written_answer", args=[visit.pk]),
        {"reference": "", "answered_on": "31/12/2025", "text": "Trả lời"},
    )
    assert response.status_code == 400 and not WrittenAnswer.objects.exists()  # a future date
    response = client.post(
        reverse("reception:written_answer", args=[visit.pk]),
        {"reference": "12/TB-UBND", "answered_on": "06/10/2025", "text": "Phường đã tiếp nhận và giao xử lý."},
    )
    assert response.status_code == 302
    with django_assert_max_num_queries(20):
        page = client.get(reverse("reception:visit_detail", args=[visit.pk]))
    assert "Phường đã tiếp nhận và giao xử lý." in page.text and page.context["answer_form"] is None
    assert reverse("reception:written_answer_letter", args=[visit.pk]) in page.text


def test_the_letter_has_the_administrative_layout(client, org, heads_session):
    visit = _visit(org, heads_session)
    protected = _visit(org, heads_session, petition_kind=Kind.DENUNCIATION)
    for v in (visit, protected):
        conclusion = _conclude(org, v)
        services.written_answer_record(
            conclusion=conclusion, actor=org.head, answered_on=MONDAY, text="Nội dung trả lời", reference="9/TB"
        )
    client.force_login(org.reception)
    letter = client.get(reverse("reception:written_answer_letter", args=[visit.pk])).content.decode()
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ngày 06 tháng 10 năm 2025",
        "9/TB",
        NAME,
        "Nội dung trả lời",
        org.commune.name,
        org.head.display_name,
    ):
        assert part in letter, part
    letter = client.get(reverse("reception:written_answer_letter", args=[protected.pk])).content.decode()
    assert NAME not in letter and "Nội dung trả lời" in letter
    missing = _visit(org, heads_session)
    assert client.get(reverse("reception:written_answer_letter", args=[missing.pk])).status_code == 404


def test_the_heads_list_of_answers_due_marks_the_overdue(client, org, heads_session, django_assert_max_num_queries):
    late = _visit(org, heads_session)
    _conclude(org, late)
    answered = _visit(org, heads_session)
    services.written_answer_record(conclusion=_conclude(org, answered), actor=org.head, answered_on=MONDAY, text="x")
    later_session = make_session(org.commune, datetime.date(2025, 10, 15), start=(7, 30))
    with time_machine.travel(at(datetime.date(2025, 10, 15), 9), tick=False):
        services.session_record_holder(session=later_session, actor=org.reception, held_by=org.head)
        recent = _visit(org, later_session)
        _conclude(org, recent)
    other_head = make_staff(org.other_commune, Role.HEAD)

    with time_machine.travel(at(datetime.date(2025, 10, 22), 9), tick=False):
        rows = selectors.written_answers_due(org.head)
        assert [r.visit for r in rows] == [late, recent]
        assert [r.is_overdue for r in rows] == [True, False]
        assert selectors.written_answers_due(other_head) == []
        client.force_login(org.head)
        with django_assert_max_num_queries(12):
            page = client.get(reverse("reception:answers_due"))
        assert page.status_code == 200
        text = page.content.decode()
        assert "20/10/2025" in text and "QUÁ HẠN" in text.upper()
        assert page.context["overdue"] == 1
        # The staff overview links to it, with the counts.
        overview = client.get(reverse("petitions:dashboard")).content.decode()
        assert reverse("reception:answers_due") in overview
