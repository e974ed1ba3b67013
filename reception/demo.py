"""Demo reception data for `manage.py seed_demo`: schedules, sessions, a held session, visits, bookings."""

import datetime

from django.utils import timezone

from petitions.models import Kind

from . import services
from .models import Direction, ReceptionSchedule, ReceptionSession, SessionStatus


def seed(*, units: dict, users: dict) -> None:
    today = timezone.localdate()
    ReceptionSchedule.objects.create(
        unit=units["ba-dinh"],
        weekday=3,  # Thursdays
        start_time=datetime.time(8),
        end_time=datetime.time(11, 30),
        place="Phòng tiếp công dân, UBND phường Ba Đình",
        capacity=15,
    )
    ReceptionSchedule.objects.create(
        unit=units["hn"],
        day_of_month=15,
        start_time=datetime.time(8),
        end_time=datetime.time(17),
        place="Trụ sở tiếp công dân Thành phố, số 1 Tông Đản",
        capacity=40,
    )
    services.sessions_generate(start=today - datetime.timedelta(days=35), until=today + datetime.timedelta(weeks=8))

    held = ReceptionSession.objects.filter(unit=units["ba-dinh"], date__lt=today).order_by("-date").first()
    if held is not None:
        head, officer = users["chutich"], users["tiepdan"]
        services.session_record_holder(session=held, actor=officer, held_by=head)
        held.refresh_from_db()
        guided = services.visit_record(
            unit=units["ba-dinh"],
            recorded_by=officer,
            visitor=services.VisitorData(full_name="Bùi Văn Hòa", id_number="001080000111", phone="0903000111"),
            content="Hỏi thủ tục cấp lại giấy chứng nhận quyền sử dụng đất.",
            visited_on=held.date,
            session=held,
        )
        services.visit_guide(visit=guided, actor=officer, guidance="Hướng dẫn nộp hồ sơ tại bộ phận một cửa.")
        group = services.visit_record(
            unit=units["ba-dinh"],
            recorded_by=officer,
            visitor=services.VisitorData(full_name="Ngô Thị Lan", id_number="001085000222", phone="0903000222"),
            content="Tập thể hộ dân ngõ 5 phản ánh việc lấn chiếm lối đi chung.",
            petition_kind=Kind.REFLECTION,
            people_count=7,
            representatives=[services.RepresentativeData(full_name="Ngô Thị Lan", id_number="001085000222")],
            visited_on=held.date,
            session=held,
        )
        services.visit_register_petition(
            visit=group, actor=officer, kind=Kind.REFLECTION, title="Lấn chiếm lối đi chung ngõ 5"
        )
        group.refresh_from_db()
        services.conclusion_record(
            visit=group, actor=head, direction=Direction.ACCEPT, text="Giao Tổ công tác kiểm tra hiện trạng lối đi."
        )

    upcoming = (
        ReceptionSession.objects.filter(unit=units["ba-dinh"], date__gt=today, status=SessionStatus.PLANNED)
        .order_by("date")
        .first()
    )
    if upcoming is not None:
        services.booking_create(
            session_id=upcoming.pk,
            full_name="Đỗ Thị Dân",
            phone="0988000333",
            id_number="001190000333",
            summary="Đề nghị giải quyết dứt điểm tranh chấp ranh giới đất.",
            citizen=users["congdan"],
        )
