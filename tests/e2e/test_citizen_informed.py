"""Journey (issue 12): a citizen without an account files, prints the receipt, gets the confirmation
e-mail, tracks with a lowercase code, is told the deadline; after the unit resolves with a signed
decision, downloads it and reads the next-step rights. On a phone (390 px) and on a desktop."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from core.services_outbox import outbox_send_pending
from petitions import services
from petitions.citizen import next_steps
from petitions.models import Petition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DECISION = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VIEWPORTS = {"mobile": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_citizen_without_an_account_is_kept_informed(page, live_server, org, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    mail.outbox.clear()

    # Filing: the four kinds are explained; the unit is found by name.
    page.goto(f"{live_server.url}/gui-don/")
    expect(page.get_by_test_id("kind-help")).to_contain_text("Tố cáo")
    page.fill("#unit_q", "ba dinh")
    page.select_option("#id_kind", "complaint")
    page.select_option("#id_unit", str(org.commune.pk))
    page.fill("#id_title", "Khiếu nại quyết định thu hồi đất")
    page.fill("#id_content", "Quyết định thu hồi đất không đúng diện tích thực tế.")
    page.fill("#id_full_name", "Trần Thị Lan")
    page.fill("#id_id_number", "００１１９００００１２３")  # typed on a phone keyboard in full width
    page.fill("#id_phone", "0912345678")
    page.fill("#id_email", "lan@example.test")
    page.fill("#id_address", "Ba Đình, Hà Nội")
    page.click("main form[method=post] button[type=submit]")

    code = page.get_by_test_id("tracking-code").inner_text().strip()
    key = page.get_by_test_id("access-key").inner_text().strip()
    petition = Petition.objects.get(tracking_code=code)
    due = next_steps(petition)[0].due_date
    expect(page.get_by_test_id("next-steps")).to_contain_text(f"{due:%d/%m/%Y}")
    expect(page.get_by_test_id("emailed")).to_be_visible()

    # The receipt: printed on A4 (the navigation is not printed), and as a PDF file.
    page.get_by_test_id("receipt-link").click()
    expect(page.get_by_test_id("receipt-code")).to_have_text(code)
    expect(page.get_by_test_id("receipt-key")).to_have_text(key)
    page.emulate_media(media="print")
    expect(page.locator("header.navbar, nav").first).to_be_hidden()
    assert page.pdf(format="A4").startswith(b"%PDF")
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_test_id("receipt-pdf").click()
    assert download.value.suggested_filename == f"bien-nhan-{code}.pdf"
    with open(download.value.path(), "rb") as receipt:
        assert receipt.read(4) == b"%PDF"

    # The confirmation e-mail, with the receipt attached and a link without the key.
    outbox_send_pending()
    message = next(m for m in mail.outbox if m.to == ["lan@example.test"])
    assert code in message.subject and key not in message.body and f"/tra-cuu/?code={code}" in message.body
    assert message.attachments[0][1].startswith(b"%PDF")

    # Tracking with the code in small letters and without dashes; the deadline is told.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/tra-cuu/?code={code}")
    page.fill("#id_code", code.lower().replace("-", ""))
    page.fill("#id_key", key)
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("status")).to_have_text("Đã tiếp nhận")
    expect(page.get_by_test_id("next-steps")).to_contain_text(f"{due:%d/%m/%Y}")
    assert "key=" not in page.url

    # The unit accepts, assigns and resolves with a signed decision.
    services.petition_accept(petition=petition, actor=org.head)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    upload = SimpleUploadedFile("qd.pdf", DECISION, content_type="application/pdf")
    services.petition_resolve(
        petition=petition,
        actor=org.handler,
        decision_text="Quyết định giải quyết khiếu nại lần đầu số 7/QĐ-UBND",
        decision_file=(upload, "pdf", "application/pdf"),
    )
    outbox_send_pending()
    assert sum(m.to == ["lan@example.test"] for m in mail.outbox) == 3  # received, accepted, resolved

    # The citizen downloads the decision and reads their rights, dated from the decision.
    page.goto(f"{live_server.url}/tra-cuu/")
    page.fill("#id_code", code.lower())
    page.fill("#id_key", key.lower())
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("status")).to_have_text("Đã giải quyết")
    expect(page.get_by_test_id("rights")).to_contain_text("Điều 33")
    expect(page.get_by_test_id("rights")).to_contain_text("30 ngày")
    with page.expect_download() as download:
        page.get_by_test_id("download-decision").click()
    with open(download.value.path(), "rb") as decision:
        assert decision.read() == DECISION
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"] + 1
