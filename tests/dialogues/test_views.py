import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogues import hotspots, services
from dialogues.models import Dialogue, FollowUpAction, Minutes, RiskLevel
from dialogues.workflow import DialogueStatus
from petitions.models import Kind
from tests.factories import make_petition, make_petition_with_key

from .conftest import held, schedule
from .test_services import MINUTES


@pytest.fixture
def finalised(org, complaints):
    dialogue = held(org, complaints)
    minutes = services.minutes_save(dialogue=dialogue, actor=org.head, **MINUTES)
    services.followup_add(
        dialogue=dialogue,
        actor=org.head,
        description="Đo đạc lại thửa đất",
        owner=org.handler,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    services.minutes_finalise(minutes=minutes, actor=org.head)
    return dialogue


def test_an_officer_schedules_a_dialogue_for_two_petitions_by_code(client, org, complaints):
    client.force_login(org.reception)
    when = timezone.localtime() + datetime.timedelta(days=3)
    data = {
        "unit": org.commune.pk,
        "petition_codes": f"{complaints[0].tracking_code}, {complaints[1].tracking_code.lower()}",
        "subject": "Đối thoại về bồi thường",
        "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"),
        "place": "Hội trường phường",
        "what_to_bring": "Căn cước công dân",
        "chair": org.head.pk,
    }
    response = client.post(reverse("dialogues:new"), data)
    dialogue = Dialogue.objects.get()
    assert response.status_code == 302 and response.url == reverse("dialogues:detail", args=[dialogue.pk])
    assert dialogue.petitions.count() == 2


def test_bad_input_is_explained_not_a_500(client, org, complaints):
    client.force_login(org.reception)
    response = client.post(
        reverse("dialogues:new"),
        {"unit": org.commune.pk, "petition_codes": "ZZZZ-ZZZZ-ZZ", "subject": "x", "scheduled_at": "hôm qua"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "ZZZZ-ZZZZ-ZZ" in body and "invalid-feedback" in body


def test_inspectors_read_but_are_never_offered_or_allowed_a_write(client, org, complaints):
    dialogue = schedule(org, complaints)
    client.force_login(org.inspector)
    page = client.get(reverse("dialogues:detail", args=[dialogue.pk]))
    assert page.status_code == 200
    assert b'data-testid="hold"' not in page.content and b"cancel/" not in page.content
    assert (
        client.post(reverse("dialogues:action", args=[dialogue.pk, "cancel"]), {"cancel-reason": "x"}).status_code
        == 403
    )
    assert client.get(reverse("dialogues:new")).status_code == 403
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.SCHEDULED


def test_staff_of_another_unit_do_not_learn_that_a_dialogue_exists(client, org, complaints):
    dialogue = schedule(org, complaints)
    client.force_login(org.outsider)
    assert client.get(reverse("dialogues:detail", args=[dialogue.pk])).status_code == 404
    assert client.post(reverse("dialogues:action", args=[dialogue.pk, "hold"])).status_code == 404


def test_the_head_sees_the_hold_button_the_reception_officer_does_not(client, org, complaints):
    dialogue = schedule(org, complaints, when=timezone.now() + datetime.timedelta(minutes=5))
    client.force_login(org.reception)
    assert b'data-testid="hold"' not in client.get(reverse("dialogues:detail", args=[dialogue.pk])).content
    assert client.post(reverse("dialogues:action", args=[dialogue.pk, "hold"])).status_code == 403
    client.force_login(org.head)
    assert b'data-testid="hold"' in client.get(reverse("dialogues:detail", args=[dialogue.pk])).content


def test_a_refused_rule_shows_the_form_again_with_the_message(client, org, complaints):
    dialogue = schedule(org, complaints)
    client.force_login(org.reception)
    response = client.post(
        reverse("dialogues:action", args=[dialogue.pk, "reschedule"]),
        {"reschedule-scheduled_at": "2020-01-01T09:00", "reschedule-place": "X", "reschedule-reason": "Trùng lịch"},
    )
    assert response.status_code == 400
    assert "Hãy chọn thời gian trong tương lai." in response.content.decode()


def test_the_citizen_sees_the_invitation_by_tracking_code_and_nothing_about_others(client, org):
    petition, key = make_petition_with_key(org.commune, full_name="Đỗ Thị Dân")
    other = make_petition(org.commune, full_name="Lê Văn Khác")
    dialogue = schedule(org, [petition, other], what_to_bring="Sổ hộ khẩu, bản đồ địa chính")
    page = client.post(reverse("petitions:track"), {"code": petition.tracking_code, "key": key}).content.decode()
    assert 'data-testid="invitation"' in page
    assert "Hội trường UBND phường Ba Đình" in page and "Sổ hộ khẩu, bản đồ địa chính" in page
    assert "Lê Văn Khác" not in page and other.tracking_code not in page and "Đỗ Thị Dân" not in page
    api = client.post(
        reverse("api-petition-track"),
        {"code": petition.tracking_code, "key": key},
        content_type="application/json",
    ).json()
    (invitation,) = api["invitations"]
    assert invitation["code"] == dialogue.code and invitation["what_to_bring"] == "Sổ hộ khẩu, bản đồ địa chính"
    assert "Lê Văn Khác" not in str(api)
    services.dialogue_cancel(dialogue=dialogue, actor=org.reception, reason="Lý do nội bộ không công khai")
    page = client.post(reverse("petitions:track"), {"code": petition.tracking_code, "key": key}).content.decode()
    assert 'data-testid="invitation"' not in page and "Lý do nội bộ" not in page


def test_the_owner_sees_the_action_on_the_overview(client, org, finalised):
    client.force_login(org.handler)
    page = client.get(reverse("petitions:dashboard")).content.decode()
    assert 'data-testid="my-actions"' in page and "Đo đạc lại thửa đất" in page
    client.force_login(org.reception)
    assert "Đo đạc lại thửa đất" not in client.get(reverse("petitions:dashboard")).content.decode()


def test_the_owner_closes_the_action_with_a_note(client, org, finalised):
    action = FollowUpAction.objects.get()
    client.force_login(org.inspector)
    assert client.post(reverse("dialogues:action_done", args=[action.pk]), {"done-note": "x"}).status_code == 403
    client.force_login(org.handler)
    client.post(reverse("dialogues:action_done", args=[action.pk]), {"done-note": "Đã đo"})
    action.refresh_from_db()
    assert action.status == "done" and action.done_note == "Đã đo"


def test_printable_minutes_carry_the_national_heading_and_the_pdf_downloads(client, org, finalised):
    client.force_login(org.inspector)  # inspectors read minutes too
    page = client.get(reverse("dialogues:minutes_print", args=[finalised.pk])).content.decode()
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BIÊN BẢN ĐỐI THOẠI"):
        assert text in page
    assert "PHƯỜNG BA ĐÌNH" in page and "Đo đạc lại thửa đất" in page and "CHỦ TRÌ ĐỐI THOẠI" in page
    response = client.get(reverse("dialogues:minutes_pdf", args=[finalised.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 5000
    assert "bien-ban-doi-thoai" in response["Content-Disposition"]


def test_the_pdf_uses_one_font_with_every_vietnamese_glyph(client, org, finalised, settings):
    from weasyprint import CSS, HTML

    from dialogues.views import PDF_FONT

    html = '<div class="minutes"><p>Cộng hòa xã hội chủ nghĩa Việt Nam — Đỗ Thị Dân, ưu tiên, ỹ ữ ẵ</p></div>'
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_FONT)], uncompressed_pdf=True)
    fonts = set(re.findall(rb"/FontName\s*/[A-Z]+\+([A-Za-z-]+)", pdf))
    assert fonts == {b"DejaVu-Serif"}


def test_a_party_body_gets_the_party_heading(client, org, complaints):
    org.commune.level = "party_body"
    org.commune.save(update_fields=["level"])
    dialogue = held(org, complaints)
    services.minutes_save(dialogue=dialogue, actor=org.head, **MINUTES)
    client.force_login(org.head)
    page = client.get(reverse("dialogues:minutes_print", args=[dialogue.pk])).content.decode()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in page and "BẢN NHÁP" in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA" not in page


def test_earlier_versions_stay_viewable(client, org, finalised):
    services.minutes_correct(dialogue=finalised, actor=org.head, reason="Sửa diện tích")
    Minutes.objects.filter(version=2).update(agreed="Đo lại 120 m².")
    client.force_login(org.head)
    v1 = client.get(reverse("dialogues:minutes_print_version", args=[finalised.pk, 1])).content.decode()
    v2 = client.get(reverse("dialogues:minutes_print_version", args=[finalised.pk, 2])).content.decode()
    assert "Đo đạc lại diện tích." in v1 and "Đo lại 120 m²." in v2 and "Bản đính chính lần 1" in v2


def test_the_complaint_rule_page_records_the_difference_and_the_reason(client, org, complaints):
    petition = complaints[0]
    client.force_login(org.reception)
    page = client.get(reverse("dialogues:petition", args=[petition.pk]))
    assert page.status_code == 200 and b"requirement-form" not in page.content
    assert client.post(reverse("dialogues:petition", args=[petition.pk]), {"req-difference": "x"}).status_code == 403
    client.force_login(org.head)
    client.post(reverse("dialogues:petition", args=[petition.pk]), {"req-difference": "Khác yêu cầu"})
    page = client.get(reverse("dialogues:petition", args=[petition.pk])).content.decode()
    assert 'data-testid="requirement"' in page and 'data-testid="waive-form"' in page


def _many_dialogues(org, n=6):
    petitions = [make_petition(org.commune, kind=Kind.COMPLAINT) for _ in range(n)]
    for petition in petitions:
        schedule(org, [petition])
    return petitions


def test_query_counts_of_the_dialogue_pages(client, org, finalised, django_assert_max_num_queries):
    _many_dialogues(org)
    client.force_login(org.head)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("dialogues:list")).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(reverse("dialogues:detail", args=[finalised.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("dialogues:minutes_print", args=[finalised.pk])).status_code == 200


def test_query_counts_of_the_hotspot_pages(client, org, complaints, django_assert_max_num_queries):
    for i in range(5):
        hotspots.hotspot_flag(
            actor=org.reception,
            unit=org.commune,
            title=f"Điểm nóng {i}",
            reason="Đông người",
            risk_level=RiskLevel.MEDIUM,
            owner=org.handler,
            petitions=list(complaints),
        )
    hotspot = hotspots.hotspot_flag(
        actor=org.reception,
        unit=org.commune,
        title="Giải phóng mặt bằng",
        reason="Đông người",
        risk_level=RiskLevel.HIGH,
        owner=org.handler,
        petitions=list(complaints),
    )
    client.force_login(org.city_head)  # the parent unit sees the commune's hotspots
    with django_assert_max_num_queries(12):
        page = client.get(reverse("dialogues:hotspots"))
    assert page.status_code == 200 and "Giải phóng mặt bằng" in page.content.decode()
    with django_assert_max_num_queries(16):
        assert client.get(reverse("dialogues:hotspot_detail", args=[hotspot.pk])).status_code == 200
    client.force_login(org.inspector)
    assert client.get(reverse("dialogues:hotspot_detail", args=[hotspot.pk])).status_code == 200
    assert client.post(reverse("dialogues:hotspot_action", args=[hotspot.pk, "handle"])).status_code == 403
    client.force_login(org.outsider)
    assert client.get(reverse("dialogues:hotspot_detail", args=[hotspot.pk])).status_code == 404


def test_a_dialogue_for_a_hotspot_is_scheduled_from_its_page(client, org, complaints):
    hotspot = hotspots.hotspot_flag(
        actor=org.reception,
        unit=org.commune,
        title="Giải phóng mặt bằng",
        reason="Đông người",
        risk_level=RiskLevel.HIGH,
        owner=org.handler,
        petitions=list(complaints),
    )
    client.force_login(org.reception)
    page = client.get(reverse("dialogues:hotspot_detail", args=[hotspot.pk])).content.decode()
    assert 'data-testid="hotspot-schedule"' in page
    url = f"{reverse('dialogues:new')}?hotspot={hotspot.pk}"
    form = client.get(url).context["form"]
    assert form.initial["chair"] == org.head and form.initial["subject"] == "Giải phóng mặt bằng"
    when = timezone.localtime() + datetime.timedelta(days=1)
    client.post(
        url,
        {
            "unit": org.commune.pk,
            "subject": "Đối thoại về giải phóng mặt bằng",
            "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"),
            "place": "Nhà văn hóa tổ dân phố 5",
            "chair": org.head.pk,
        },
    )
    assert Dialogue.objects.get().hotspot == hotspot
    client.force_login(org.outsider)
    assert client.get(url).status_code == 404


def test_the_petitions_history_shows_the_dialogue_and_its_actions(client, org, finalised, complaints):
    client.force_login(org.handler)
    page = client.get(reverse("petitions:detail", args=[complaints[0].pk])).content.decode()
    assert "<strong>Đối thoại</strong>" in page and "Đo đạc lại thửa đất" in page
    assert 'data-testid="petition-dialogues"' in page
