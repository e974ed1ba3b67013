"""A hand-built first quarter of 2026 in the commune of `org`, with known answers.

Head A (org.head, "chutich") until 28/02, head B from 01/03. Day by day:

- P1 reflection, received 05/01, accepted 07/01, resolved 20/01: handled on time (A).
- P2 reflection, received 05/01, accepted only 10/02: processing met late, and after its
  long-overdue point (A); its reply clock stays open: open past due and long overdue (A and B).
- P4 denunciation, received 05/01, accepted 06/01, started 08/01 (A, on time); the head extends the
  resolution deadline on 02/02 (due 05/02 → 09/03); resolved 05/03: on time thanks to the extension (B).
- P3 reflection, received 02/03, accepted 03/03 (on time, B), suspended 04/03: its reply clock is
  past due on 31/03 but suspended, so it is not counted as overdue.
- P5 reflection received 02/03 in the other commune and forwarded on 03/03 to this commune, where
  the new petition P5' is accepted 04/03 and resolved 10/03: counted where it was handled (B).
- Reception: A held 10/01 morning and afternoon in person (one day), a delegate held 20/01 (not
  counted); B held 05/03 in person.
- Findings: F1 against A recorded 20/01, due 10/02, remedied 05/02 (on time); F2 against B
  recorded 05/03, due 20/03, never remedied (late on 31/03).
- Written answers: A concluded a visit of 10/01 and answered on 15/01 (due 23/01, on time); B
  concluded a visit of 05/03 and never answered (due 19/03, late on 31/03).
"""

import datetime
import importlib
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone

from core import services as core_services
from core.models import Role
from deadlines.models import Deadline, DeadlineRule
from petitions import clocks as petition_clocks
from petitions import services
from petitions.models import Kind, Petition
from reception import services as reception_services
from reception.models import ReceptionSession, SessionStatus
from tests.factories import UserFactory, make_petition, make_staff


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


@pytest.fixture
def remedy_rule(rules):
    """The finding.remedy rule of oversight's data migration (a transactional test's flush wipes it)."""
    if not DeadlineRule.objects.filter(code="finding.remedy").exists():
        importlib.import_module("oversight.migrations.0002_finding_remedy_rule").seed(apps, None)
    return DeadlineRule.objects.get(code="finding.remedy")


def _session(unit, day, start, held_by, in_person):
    return ReceptionSession.objects.create(
        unit=unit,
        date=datetime.date.fromisoformat(day),
        start_time=datetime.time(start),
        end_time=datetime.time(start + 2),
        place="Trụ sở",
        status=SessionStatus.HELD,
        held_by=held_by,
        held_in_person=in_person,
    )


def _conclude(org, session, head):
    visit = reception_services.visit_record(
        unit=session.unit,
        recorded_by=org.reception,
        visitor=reception_services.VisitorData(
            full_name="Phạm Văn Cường", id_number="001085022222", address="1 Hàng Bài"
        ),
        content="Đề nghị sửa đường",
        session=session,
        visited_on=session.date,
    )
    return reception_services.conclusion_record(visit=visit, actor=head, direction="guide", text="Hướng dẫn công dân")


@pytest.fixture
def quarter(org, remedy_rule):
    from oversight import services as oversight_services

    commune, head_a = org.commune, org.head
    head_b = UserFactory(username="chutich_moi", full_name="Trần Văn Bình")
    deputy = make_staff(commune, Role.HANDLER, username="phochutich")

    with time_machine.travel(at("2026-01-05"), tick=False):
        p1 = make_petition(commune, kind=Kind.REFLECTION, title="P1 Đèn đường hỏng")
        p2 = make_petition(commune, kind=Kind.REFLECTION, title="P2 Rác thải")
        p4 = make_petition(commune, kind=Kind.DENUNCIATION, title="P4 Tố cáo cán bộ")
    with time_machine.travel(at("2026-01-06"), tick=False):
        services.petition_accept(petition=p4, actor=head_a)
        # Only a complex denunciation may be extended (Law on Denunciations Art. 30).
        services.petition_classify(
            petition=p4, actor=head_a, kind=Kind.DENUNCIATION, is_complex=True, is_remote=False, reason="Nhiều nội dung"
        )
    with time_machine.travel(at("2026-01-07"), tick=False):
        services.petition_accept(petition=p1, actor=head_a)
        services.petition_assign(petition=p1, actor=head_a, handler=org.handler)
    with time_machine.travel(at("2026-01-08"), tick=False):
        services.petition_assign(petition=p4, actor=head_a, handler=org.handler)
    with time_machine.travel(at("2026-01-20"), tick=False):
        services.petition_resolve(petition=p1, actor=org.handler, decision_text="Đã sửa đèn.")
        f1 = oversight_services.finding_record(
            actor=org.inspector,
            unit=commune,
            kind="shortcoming",
            title="F1 Chậm xử lý đơn",
            description="Đơn P2 chưa được xử lý.",
            responsibility="Người đứng đầu chưa đôn đốc.",
            remedy_required="Xử lý dứt điểm.",
            remedy_due=datetime.date(2026, 2, 10),
            petition=p2,
        )
    with time_machine.travel(at("2026-02-02"), tick=False):
        resolution = Deadline.objects.get(petition=p4, rule__code="denunciation.resolution")
        petition_clocks.deadline_extend(deadline=resolution, actor=head_a, reason="Vụ việc phức tạp")
    with time_machine.travel(at("2026-02-05"), tick=False):
        oversight_services.finding_remedy(actor=head_a, finding=f1, note="Đã giao xử lý, có báo cáo.")
    with time_machine.travel(at("2026-02-10"), tick=False):
        services.petition_accept(petition=p2, actor=head_a)
    core_services.unit_head_assign(unit=commune, user=head_b, started_on=datetime.date(2026, 3, 1))

    with time_machine.travel(at("2026-03-02"), tick=False):
        p3 = make_petition(commune, kind=Kind.REFLECTION, title="P3 Lấn chiếm vỉa hè")
        p5 = make_petition(org.other_commune, kind=Kind.REFLECTION, title="P5 Ngập úng")
    with time_machine.travel(at("2026-03-03"), tick=False):
        services.petition_accept(petition=p3, actor=head_b)
        other_head = make_staff(org.other_commune, Role.HEAD, username="chutich_hk")
        services.petition_forward(
            petition=p5, actor=other_head, reason="Thuộc thẩm quyền phường Ba Đình", to_unit=commune
        )
        p5b = Petition.objects.get(forwarded_from=p5)
    with time_machine.travel(at("2026-03-04"), tick=False):
        services.petition_assign(petition=p3, actor=head_b, handler=org.handler)
        services.petition_suspend(petition=p3, actor=org.handler, reason="Chờ kết quả giám định")
        services.petition_accept(petition=p5b, actor=head_b)
        services.petition_assign(petition=p5b, actor=head_b, handler=org.handler)
    with time_machine.travel(at("2026-03-05"), tick=False):
        services.petition_resolve(petition=p4, actor=org.handler, decision_text="Kết luận nội dung tố cáo.")
        f2 = oversight_services.finding_record(
            actor=org.inspector,
            unit=commune,
            kind="violation",
            title="F2 Không tiếp dân định kỳ",
            description="Tháng 3 chưa tổ chức đủ.",
            responsibility="Người đứng đầu.",
            remedy_required="Bố trí lịch tiếp dân.",
            remedy_due=datetime.date(2026, 3, 20),
        )
    with time_machine.travel(at("2026-03-10"), tick=False):
        services.petition_resolve(petition=p5b, actor=org.handler, decision_text="Đã khơi thông cống.")

    morning = _session(commune, "2026-01-10", 8, head_a, True)
    _session(commune, "2026-01-10", 14, head_a, True)
    _session(commune, "2026-01-20", 8, deputy, False)
    march = _session(commune, "2026-03-05", 8, head_b, True)
    # Written answers after the head's receptions: A answers in time, B never does (due 19/03).
    with time_machine.travel(at("2026-01-10", 11), tick=False):
        conclusion_a = _conclude(org, morning, head_a)
    with time_machine.travel(at("2026-01-15"), tick=False):
        reception_services.written_answer_record(
            conclusion=conclusion_a, actor=org.reception, answered_on=datetime.date(2026, 1, 15), text="Trả lời."
        )
    with time_machine.travel(at("2026-03-05", 11), tick=False):
        _conclude(org, march, head_b)
    return SimpleNamespace(
        org=org, head_a=head_a, head_b=head_b, p1=p1, p2=p2, p3=p3, p4=p4, p5=p5, p5b=p5b, f1=f1, f2=f2
    )


@pytest.fixture
def april(quarter):
    """Look at the quarter from 10/04/2026."""
    with time_machine.travel(at("2026-04-10"), tick=False):
        yield quarter


def _dialogue(org, day: str, chair, *, finalise_on: str | None = None, delegate_reason: str = ""):
    """A dialogue of the commune scheduled and held on `day` (09:00) chaired by `chair`; the minutes
    are finalised on `finalise_on` (never when None)."""
    from dialogues import services as dialogue_services

    with time_machine.travel(at(day, 8), tick=False):
        dialogue = dialogue_services.dialogue_schedule(
            actor=org.reception,
            unit=org.commune,
            subject=f"Đối thoại {day}",
            scheduled_at=at(day, 9),
            chair=chair,
            petitions=[make_petition(org.commune, kind=Kind.COMPLAINT, title=f"Khiếu nại {day}")],
            place="Hội trường UBND",
            delegate_reason=delegate_reason,
        )
    with time_machine.travel(at(day, 11), tick=False):
        dialogue_services.dialogue_hold(dialogue=dialogue, actor=chair)
        minutes = dialogue_services.minutes_save(dialogue=dialogue, actor=chair, attendees="Các bên")
    if finalise_on:
        with time_machine.travel(at(finalise_on), tick=False):
            dialogue_services.minutes_finalise(minutes=minutes, actor=chair)
    return dialogue


def _current_head(unit, head, former):
    """Reopen `head`'s term (and powers) and end `former`'s, as if the events happened in that term."""
    from core.models import Membership, UnitHeadTerm

    UnitHeadTerm.objects.filter(unit=unit, user=former).update(ended_on=datetime.date(2026, 3, 1))
    UnitHeadTerm.objects.filter(unit=unit, user=head).update(ended_on=None)
    Membership.objects.filter(unit=unit, role=Role.HEAD, user=former).delete()
    Membership.objects.get_or_create(unit=unit, role=Role.HEAD, user=head)
    for user in (head, former):
        user.__dict__.pop("_jurisdiction", None)


@pytest.fixture
def engagement(quarter):
    """Dialogues and hotspots of the commune in the same quarter, with known answers.

    Dialogues (minutes due 5 working days after the hearing):
    - D1 chaired by A, held 13/01, minutes finalised 15/01 (due 20/01): on time.
    - D2 chaired by A, held 22/01, minutes finalised 05/02 (due 29/01): late.
    - D3 delegated to the deputy, held 27/01, minutes never finalised (due 03/02): the unit's, not A's.
    - D4 chaired by B, held 05/03, minutes finalised 06/03: on time.
    - D5 chaired by B, held 27/03 (minutes due 03/04, after the quarter): pending, neither on time nor late.
    - D6 scheduled by B for 20/04: not held, counted nowhere (the overview lists it as next).
    Hotspots (response due 5 working days after confirmation):
    - H1 flagged by A 12/01 (due 19/01), handled 16/01 (on time), closed 30/01.
    - H2 flagged by B 09/03 (due 16/03), handled 20/03: late, still open (handled, not closed).
    - H3 flagged by B 25/03 (due 01/04): open at the end of the quarter, its response not yet due.
    - H4 only suggested by the portal: counted nowhere.
    """
    from dialogues import hotspots as hotspot_services
    from dialogues import services as dialogue_services
    from dialogues.models import Hotspot, SuggestionBasis

    org, head_a, head_b = quarter.org, quarter.head_a, quarter.head_b
    deputy = make_staff(org.commune, Role.RECEPTION, username="phobanthu")

    def flag(day, head, title):
        with time_machine.travel(at(day), tick=False):
            return hotspot_services.hotspot_flag(
                actor=head, unit=org.commune, title=title, reason="Nhiều hộ dân tụ tập", risk_level="high", owner=head
            )

    # January and February belong to head A: make A the current head again while A's events happen.
    _current_head(org.commune, head_a, head_b)
    d1 = _dialogue(org, "2026-01-13", head_a, finalise_on="2026-01-15")
    d2 = _dialogue(org, "2026-01-22", head_a, finalise_on="2026-02-05")
    d3 = _dialogue(org, "2026-01-27", deputy, delegate_reason="Chủ tịch đi công tác")
    h1 = flag("2026-01-12", head_a, "H1 Tranh chấp đất đai thôn Đông")
    with time_machine.travel(at("2026-01-16"), tick=False):
        hotspot_services.hotspot_handle(hotspot=h1, actor=head_a, note="Đã tiếp đột xuất")
    with time_machine.travel(at("2026-01-30"), tick=False):
        hotspot_services.hotspot_close(hotspot=h1, actor=head_a)
    _current_head(org.commune, head_b, head_a)

    d4 = _dialogue(org, "2026-03-05", head_b, finalise_on="2026-03-06")
    d5 = _dialogue(org, "2026-03-27", head_b)
    with time_machine.travel(at("2026-03-30"), tick=False):
        d6 = dialogue_services.dialogue_schedule(
            actor=org.reception,
            unit=org.commune,
            subject="Đối thoại tháng 4",
            scheduled_at=at("2026-04-20", 9),
            chair=head_b,
            petitions=[make_petition(org.commune, kind=Kind.COMPLAINT, title="Khiếu nại tháng 4")],
            place="Hội trường UBND",
        )
    h2 = flag("2026-03-09", head_b, "H2 Ô nhiễm khu công nghiệp")
    with time_machine.travel(at("2026-03-20"), tick=False):
        hotspot_services.hotspot_handle(hotspot=h2, actor=head_b, note="Đã đối thoại tại chỗ")
    h3 = flag("2026-03-25", head_b, "H3 Giải phóng mặt bằng")
    h4 = Hotspot.objects.create(unit=org.commune, title="H4 Gợi ý", basis=SuggestionBasis.SIMILAR_MATTER)
    return SimpleNamespace(
        **vars(quarter), deputy=deputy, d1=d1, d2=d2, d3=d3, d4=d4, d5=d5, d6=d6, h1=h1, h2=h2, h3=h3, h4=h4
    )


@pytest.fixture
def engaged_april(engagement):
    with time_machine.travel(at("2026-04-10"), tick=False):
        yield engagement
