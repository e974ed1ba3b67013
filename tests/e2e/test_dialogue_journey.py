"""Journey: an officer schedules a dialogue for two petitions; the citizen sees the invitation on the
tracking page; the head records the dialogue, writes and finalises the minutes with a follow-up
action; the action appears on its owner's overview; the printable minutes render."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from dialogues.models import Dialogue, FollowUpAction
from tests.factories import make_petition_with_key

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_schedule_invite_hold_finalise_follow_up_and_print(page, live_server, org, login):
    # The same day as the real clock (cookies stay valid), at 07:00 so a 09:00 dialogue is still ahead.
    today = timezone.localdate()
    seven = timezone.make_aware(datetime.datetime.combine(today, datetime.time(7)))
    with time_machine.travel(seven, tick=True):
        first, key = make_petition_with_key(org.commune, full_name="Đỗ Thị Dân", title="Bồi thường thửa đất số 12")
        second, _ = make_petition_with_key(
            org.commune, full_name="Lê Văn Khác", id_number="001090000002", title="Bồi thường thửa đất số 14"
        )

        # The reception officer schedules one dialogue for both petitions.
        login("tiepdan")
        page.goto(f"{live_server.url}/can-bo/doi-thoai/")
        page.get_by_test_id("schedule").click()
        page.select_option("#id_unit", str(org.commune.pk))
        page.fill("#id_petition_codes", f"{first.tracking_code}\n{second.tracking_code}")
        page.fill("#id_subject", "Đối thoại về bồi thường giải phóng mặt bằng")
        page.fill("#id_scheduled_at", f"{today:%Y-%m-%d}T09:00")
        page.fill("#id_place", "Hội trường UBND phường Ba Đình")
        page.fill("#id_what_to_bring", "Căn cước công dân, giấy tờ về đất")
        page.select_option("#id_chair", str(org.head.pk))
        page.click("form[data-testid=schedule-form] button[type=submit]")
        expect(page.get_by_test_id("dialogue-status")).to_have_attribute("data-status", "scheduled")
        dialogue = Dialogue.objects.get()
        assert dialogue.petitions.count() == 2

        # The citizen sees the invitation by tracking code, and nothing about the other petitioner.
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/tra-cuu/")
        page.fill("#id_code", first.tracking_code)
        page.fill("#id_key", key)
        page.click("main form button[type=submit]")
        expect(page.get_by_test_id("invitation-place")).to_have_text("Hội trường UBND phường Ba Đình")
        expect(page.get_by_test_id("invitation-bring")).to_contain_text("Căn cước công dân")
        assert "Lê Văn Khác" not in page.content() and second.tracking_code not in page.content()

    # Two hours later the head records the dialogue and its minutes.
    with time_machine.travel(seven + datetime.timedelta(hours=4), tick=True):
        login("chutich")
        page.goto(f"{live_server.url}/can-bo/doi-thoai/{dialogue.pk}/")
        page.get_by_test_id("hold").click()
        expect(page.get_by_test_id("dialogue-status")).to_have_attribute("data-status", "held")
        page.fill("#id_minutes-attendees", "Chủ trì: ông Phạm Minh Chủ. Công dân: hai hộ có đơn.")
        page.fill("#id_minutes-citizen_statements", "Đề nghị tăng đơn giá bồi thường.")
        page.fill("#id_minutes-authority_statements", "Giải thích bảng giá đất năm 2026.")
        page.fill("#id_minutes-agreed", "Đo đạc lại diện tích hai thửa đất.")
        page.fill("#id_minutes-disputed", "Đơn giá bồi thường.")
        page.click("form[data-testid=minutes-form] button[type=submit]")
        expect(page.get_by_test_id("minutes-v1")).to_have_attribute("data-status", "draft")

        page.locator("details[data-testid=action-add] summary").click()
        page.fill("#id_action-description", "Đo đạc lại diện tích hai thửa đất")
        page.select_option("#id_action-owner", str(org.handler.pk))
        page.fill("#id_action-due_date", f"{today + datetime.timedelta(days=10):%Y-%m-%d}")
        page.click("details[data-testid=action-add] button[type=submit]")
        action = FollowUpAction.objects.get()
        expect(page.get_by_test_id(f"action-{action.pk}")).to_have_attribute("data-status", "open")

        page.get_by_test_id("finalise").click()
        expect(page.get_by_test_id("minutes-v1")).to_have_attribute("data-status", "finalised")
        expect(page.locator("form[data-testid=minutes-form]")).to_have_count(0)  # locked

        # The printable minutes render in the administrative layout.
        page.get_by_test_id("print-v1").click()
        expect(page.get_by_test_id("national-heading")).to_have_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        expect(page.get_by_test_id("minutes-document")).to_contain_text("BIÊN BẢN ĐỐI THOẠI")
        expect(page.get_by_test_id("minutes-document")).to_contain_text("Đo đạc lại diện tích hai thửa đất")

        # The action is on its owner's overview.
        page.context.clear_cookies()
        login("xuly")
        page.goto(f"{live_server.url}/can-bo/")
        expect(page.get_by_test_id("my-actions")).to_contain_text("Đo đạc lại diện tích hai thửa đất")
