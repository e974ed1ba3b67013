"""Demo dialogues and hotspots for `manage.py seed_demo`: a held dialogue with finalised minutes and an
open follow-up action, a scheduled dialogue the demo citizen is invited to, a confirmed hotspot and
a suggestion waiting for a decision."""

import datetime

from django.utils import timezone

from petitions import services as petition_services
from petitions.models import Channel, Kind, Petition
from petitions.workflow import Status

from . import hotspots, services
from .models import RiskLevel, SuggestionBasis

CLEARANCE_LETTERS = [
    ("Hoàng Văn Nam", "Phản đối phương án giải phóng mặt bằng dự án đường Vành đai 1"),
    ("Nguyễn Thị Hoa", "Khiếu nại giải phóng mặt bằng dự án đường Vành đai 1"),
    ("Trần Đức Long", "Giải phóng mặt bằng dự án đường Vành đai 1 chưa thỏa đáng"),
    ("Phạm Thị Mai", "Kiến nghị về giải phóng mặt bằng dự án đường Vành đai 1"),
    ("Vũ Văn Sơn", "Về giải phóng mặt bằng dự án đường Vành đai 1, bồi thường thấp"),
]


def seed(*, units: dict, users: dict, stdout=None) -> None:
    unit, head, officer, handler = units["ba-dinh"], users["chutich"], users["tiepdan"], users["xuly"]
    now = timezone.now()
    complaints = list(
        Petition.objects.filter(unit=unit, kind=Kind.COMPLAINT, status=Status.IN_PROGRESS).order_by("id")[:2]
    )

    # Held today (services refuse a time in the past), minutes finalised, one action open.
    if complaints:
        dialogue = services.dialogue_schedule(
            actor=officer,
            unit=unit,
            subject="Đối thoại về mức bồi thường giải phóng mặt bằng",
            scheduled_at=now + datetime.timedelta(seconds=1),
            chair=head,
            petitions=complaints,
            place="Hội trường UBND phường Ba Đình",
            agenda="Nghe công dân trình bày; cơ quan giải thích căn cứ; thống nhất hướng giải quyết.",
            other_participants="Ông Lê Văn Xử – cán bộ thụ lý\nĐại diện Ban bồi thường giải phóng mặt bằng",
        )
        services.dialogue_hold(dialogue=dialogue, actor=head)
        minutes = services.minutes_save(
            dialogue=dialogue,
            actor=officer,
            attendees="Chủ trì: ông Phạm Minh Chủ, Chủ tịch UBND phường.\nCông dân: các hộ có đơn.",
            citizen_statements="Đề nghị xem xét lại đơn giá bồi thường đất ở.",
            authority_statements="Đơn giá áp dụng theo bảng giá đất năm 2026 của Thành phố.",
            agreed="Đo đạc lại diện tích thửa đất; công khai phương án bồi thường.",
            disputed="Đơn giá bồi thường đất ở.",
        )
        services.followup_add(
            dialogue=dialogue,
            actor=head,
            description="Đo đạc lại diện tích thửa đất và gửi kết quả cho công dân",
            owner=handler,
            due_date=timezone.localdate() + datetime.timedelta(days=7),
        )
        services.minutes_finalise(minutes=minutes, actor=head)

    # Scheduled: the demo citizen sees the invitation by tracking code and in "My petitions".
    own, access_key = petition_services.petition_submit(
        kind=Kind.COMPLAINT,
        title="Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất",
        content="Đề nghị xem xét lại việc từ chối cấp giấy chứng nhận.",
        unit=unit,
        petitioner=petition_services.PetitionerData(
            full_name="Đỗ Thị Dân", id_number="001190000333", phone="0988000333", address="Phường Ba Đình"
        ),
        channel=Channel.IN_PERSON,
        created_by=officer,
        citizen=users["congdan"],
    )
    petition_services.petition_accept(petition=own, actor=head)
    petition_services.petition_assign(petition=own, actor=head, handler=handler)
    services.dialogue_schedule(
        actor=officer,
        unit=unit,
        subject="Đối thoại về việc cấp giấy chứng nhận quyền sử dụng đất",
        scheduled_at=(now + datetime.timedelta(days=5)).replace(hour=2, minute=0, second=0, microsecond=0),
        chair=head,
        petitions=[own],
        place="Phòng tiếp công dân, UBND phường Ba Đình",
        what_to_bring="Căn cước công dân; bản sao hồ sơ đề nghị cấp giấy chứng nhận",
    )
    if stdout is not None:
        stdout.write(f"  Demo tracking (invitation to a dialogue): code {own.tracking_code}, key {access_key}")

    # Hotspots: households of one clearance project write by post; the portal groups their letters.
    # Confirm that one at Ba Đình, leave the next (the group visit of the reception demo) to decide,
    # and record the city's decision on any other (the city head has jurisdiction over every commune).
    for i, (name, title) in enumerate(CLEARANCE_LETTERS):
        petition_services.petition_submit(
            kind=Kind.COMPLAINT,
            title=title,
            content="Đề nghị xem xét lại phương án bồi thường, hỗ trợ, tái định cư.",
            unit=unit,
            petitioner=petition_services.PetitionerData(
                full_name=name, id_number=f"00108800{i:04d}", phone=f"090880{i:04d}", address="Phường Ba Đình"
            ),
            channel=Channel.POST,
            created_by=officer,
            received_at=now - datetime.timedelta(days=2 * i + 1),
        )
    suggestions = sorted(
        hotspots.hotspots_suggest(),
        key=lambda h: (h.unit_id != unit.pk, h.basis != SuggestionBasis.SIMILAR_MATTER, h.pk),
    )
    if suggestions and suggestions[0].unit_id == unit.pk:
        hotspots.hotspot_confirm(
            hotspot=suggestions[0],
            actor=head,
            risk_level=RiskLevel.HIGH,
            owner=handler,
            reason="Nhiều hộ dân cùng khiếu nại, có dấu hiệu tập trung đông người.",
        )
    for extra in suggestions[2:]:
        hotspots.hotspot_dismiss(hotspot=extra, actor=users["bithu"], reason="Đã xem xét: vụ việc riêng lẻ.")
