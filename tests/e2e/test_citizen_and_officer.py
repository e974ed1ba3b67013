"""Journey: a citizen files a petition and looks it up; an officer accepts and assigns it; the citizen sees it."""

import pytest
from playwright.sync_api import expect

from petitions.models import Petition
from petitions.workflow import Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_file_track_accept_assign_and_see_the_new_state(page, live_server, org, login):
    # The citizen files online, in Vietnamese.
    page.goto(f"{live_server.url}/gui-don/")
    expect(page.locator("h1")).to_have_text("Gửi đơn")
    page.select_option("#id_kind", "complaint")
    page.select_option("#id_unit", str(org.commune.pk))
    page.fill("#id_title", "Khiếu nại việc cấp phép xây dựng")
    page.fill("#id_content", "Công trình bên cạnh xây lấn sang đất nhà tôi.")
    page.fill("#id_full_name", "Nguyễn Thị Hoa")
    page.fill("#id_id_number", "12345")  # wrong on purpose: the form keeps what was typed
    page.fill("#id_phone", "0912345678")
    page.fill("#id_address", "Ba Đình, Hà Nội")
    page.click("main form button[type=submit]")
    expect(page.locator(".invalid-feedback")).to_contain_text("12 chữ số")
    expect(page.locator("#id_title")).to_have_value("Khiếu nại việc cấp phép xây dựng")
    page.fill("#id_id_number", "001190000123")
    page.click("main form button[type=submit]")

    code = page.get_by_test_id("tracking-code").inner_text().strip()
    key = page.get_by_test_id("access-key").inner_text().strip()
    petition = Petition.objects.get(tracking_code=code)

    page.goto(f"{live_server.url}/tra-cuu/")
    page.fill("#id_code", code)
    page.fill("#id_key", key)
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("status")).to_have_text("Đã tiếp nhận")

    # The reception officer accepts it and assigns the handler.
    login("tiepdan")
    page.goto(f"{live_server.url}/can-bo/don/{petition.pk}/")
    page.locator("details[data-action=accept] summary").click()
    page.locator("details[data-action=accept] button[type=submit]").click()
    expect(page.get_by_test_id("status")).to_have_text("Đã thụ lý")
    page.locator("details[data-action=assign] summary").click()
    page.select_option("#id_assign-handler", str(org.handler.pk))
    page.locator("details[data-action=assign] button[type=submit]").click()
    expect(page.get_by_test_id("status")).to_have_text("Đang giải quyết")

    petition.refresh_from_db()
    assert (petition.status, petition.handler) == (Status.IN_PROGRESS, org.handler)

    # The citizen sees the new state with the same code and key.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/tra-cuu/")
    page.fill("#id_code", code)
    page.fill("#id_key", key)
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("status")).to_have_text("Đang giải quyết")
