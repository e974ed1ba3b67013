"""Journey: a citizen books a reception slot; the officer logs the visit from the booking and registers
a petition; the head records the conclusion; the citizen sees the petition's state by its code."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from petitions.models import Channel
from reception.models import Booking, BookingStatus, HeadConclusion, ReceptionSession, SessionKind, Visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KEY_RE = re.compile(r"(?<![0-9A-Z-])[0-9A-Z]{8}(?![0-9A-Z-])")


def test_book_log_register_conclude_and_track(page, live_server, org, login):
    # The same day as the real clock (cookies stay valid), at 07:00 so the 09:00 session is still ahead.
    today = timezone.localdate()
    seven = timezone.make_aware(datetime.datetime.combine(today, datetime.time(7)))
    with time_machine.travel(seven, tick=True):
        session = ReceptionSession.objects.create(
            unit=org.commune,
            date=today,
            start_time=datetime.time(9),
            end_time=datetime.time(11),
            place="Trụ sở tiếp công dân phường",
            kind=SessionKind.AD_HOC,
            capacity=5,
        )

        # The citizen books from the public calendar; a bad phone number is explained and nothing is lost.
        page.goto(f"{live_server.url}/lich-tiep-dan/")
        page.get_by_test_id(f"book-{session.pk}").click()
        page.fill("#id_full_name", "Đỗ Thị Hạnh")
        page.fill("#id_phone", "12345")
        page.fill("#id_id_number", "001190000456")
        page.fill("#id_summary", "Đề nghị cấp giấy chứng nhận quyền sử dụng đất")
        page.fill("#id_people_count", "1")
        page.click("form[data-testid=booking-form] button[type=submit]")
        expect(page.locator("#id_phone.is-invalid")).to_be_visible()
        expect(page.locator("#id_summary")).to_have_value("Đề nghị cấp giấy chứng nhận quyền sử dụng đất")
        page.fill("#id_phone", "0912345678")
        page.click("form[data-testid=booking-form] button[type=submit]")
        code = page.get_by_test_id("confirmation-code").inner_text().strip()
        booking = Booking.objects.get(confirmation_code=code)
        expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "pending")

        # The reception officer records that the head receives in person, then logs the visit from the booking.
        page.context.clear_cookies()
        login("tiepdan")
        page.goto(f"{live_server.url}/can-bo/tiep-dan/buoi/{session.pk}/")
        page.select_option("#id_held_by", str(org.head.pk))
        page.click("form[data-testid=holder-form] button[type=submit]")
        expect(page.get_by_test_id("in-person")).to_be_visible()
        page.get_by_test_id(f"log-visit-{code}").click()
        expect(page.locator("#id_full_name")).to_have_value("Đỗ Thị Hạnh")
        expect(page.locator("#id_id_number")).to_have_value("001190000456")
        page.click("form[data-testid=visit-form] button[type=submit]")
        visit = Visit.objects.get(booking=booking)

        page.locator("details[data-testid=outcome-petition] summary").click()
        page.select_option("#id_petition-kind", "recommendation")
        page.fill("#id_petition-title", "Cấp giấy chứng nhận quyền sử dụng đất")
        page.get_by_test_id("submit-petition").click()
        petition_code = page.get_by_test_id("petition-code").inner_text().strip()
        alert = page.locator(".alert-success").inner_text()
        access_key = KEY_RE.findall(alert.replace(petition_code, ""))[0]
        expect(page.get_by_test_id("outcome")).to_have_attribute("data-outcome", "petition_registered")

        visit.refresh_from_db()
        booking.refresh_from_db()
        assert booking.status == BookingStatus.ATTENDED
        assert visit.petition.channel == Channel.HEAD_RECEPTION
        assert visit.petition.petitioner.full_name == "Đỗ Thị Hạnh"

        # The head records the conclusion on the case.
        page.context.clear_cookies()
        login("chutich")
        page.goto(f"{live_server.url}/can-bo/tiep-dan/so/{visit.pk}/")
        page.get_by_test_id("record-conclusion").click()
        page.click("form[data-testid=conclusion-form] button[type=submit]")  # empty: explained, not lost
        expect(page.locator(".invalid-feedback").first).to_be_visible()
        page.check("input[name=direction][value=accept]")
        page.fill("#id_text", "Giao Phòng Kinh tế kiểm tra hồ sơ, trả lời bằng văn bản trong 10 ngày làm việc.")
        page.click("form[data-testid=conclusion-form] button[type=submit]")
        expect(page.get_by_test_id("conclusion")).to_contain_text("Giao Phòng Kinh tế")
        assert HeadConclusion.objects.get(visit=visit).concluded_by == org.head

        # The citizen sees the petition's state by its code and access key.
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/tra-cuu/")
        page.fill("#id_code", petition_code)
        page.fill("#id_key", access_key)
        page.click("main form button[type=submit]")
        expect(page.get_by_test_id("status")).to_have_text(visit.petition.get_status_display())
