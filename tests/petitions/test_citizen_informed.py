"""Citizens kept informed (issue 12): receipt, e-mail without an account, next steps, the decision,
filing help, tracking codes in any form, citizen ID checks, pre-filled form."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from core.models import Notification
from core.services_outbox import outbox_send_pending
from petitions import services
from petitions.citizen import next_rights, next_steps
from petitions.models import Attachment, Kind, Petition, normalize_tracking_code
from petitions.services import PetitionerData, PetitionError
from petitions.workflow import Status
from tests.factories import UserFactory, make_petition_with_key, make_unit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
pytestmark = pytest.mark.django_db


def filing_data(org, **overrides):
    data = {
        "kind": "complaint",
        "unit": org.commune.pk,
        "title": "Khiếu nại việc cấp giấy chứng nhận",
        "content": "Tôi đề nghị xem xét lại.",
        "full_name": "Nguyễn Thị Hoa",
        "id_number": "001190000123",
        "phone": "0912 345 678",
        "email": "",
        "address": "Ba Đình, Hà Nội",
        "people_count": 1,
    }
    data.update(overrides)
    return data


def _file(client, org, **overrides):
    response = client.post(reverse("petitions:create"), filing_data(org, **overrides))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    filed = client.session["filed"]
    return Petition.objects.get(tracking_code=filed["code"]), filed["key"]


def _resolve(org, petition, *, with_file=True, kind_note="Quyết định giải quyết khiếu nại số 12/QĐ-UBND"):
    services.petition_accept(petition=petition, actor=org.head)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    upload = SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf")
    services.petition_resolve(
        petition=petition,
        actor=org.handler,
        decision_text=kind_note,
        decision_file=(upload, "pdf", "application/pdf") if with_file else None,
    )


# Receipt ------------------------------------------------------------------------------------------


def test_the_receipt_of_a_just_filed_petition_comes_from_the_session(client, org):
    petition, key = _file(client, org)
    response = client.get(reverse("petitions:receipt"))
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    for text in (petition.tracking_code, key, org.commune.name, "Khiếu nại", "Thụ lý giải quyết khiếu nại"):
        assert text in body
    due = next_steps(petition)[0].due_date
    assert f"{due:%d/%m/%Y}" in body


def test_the_receipt_by_code_and_key_is_post_only_and_refuses_a_wrong_key(client, org):
    petition, key = make_petition_with_key(org.commune)
    url = reverse("petitions:receipt")
    assert client.get(url).status_code == 302  # nothing in this session: back to tracking
    wrong = client.post(url, {"code": petition.tracking_code, "key": "WRONGKEY"})
    assert wrong.status_code == 302 and key not in wrong.content.decode()
    right = client.post(url, {"code": petition.tracking_code.lower().replace("-", ""), "key": key.lower()})
    assert right.status_code == 200 and key in right.content.decode()


def test_the_receipt_is_a_real_pdf(client, org):
    _file(client, org)
    response = client.post(reverse("petitions:receipt_pdf"), {"from_session": "1"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 2000
    assert client.get(reverse("petitions:receipt_pdf")).status_code == 405


def test_staff_registration_offers_the_receipt_and_calls_the_key_an_access_key(client, org):
    client.force_login(org.reception)
    data = {**filing_data(org), "channel": "post", "received_on": datetime.date.today().isoformat()}
    response = client.post(reverse("petitions:register"), data, follow=True)
    body = response.content.decode()
    assert "print the receipt" in body.lower() or "In giấy biên nhận" in body
    assert reverse("petitions:receipt") in body
    receipt = client.get(reverse("petitions:receipt"))
    assert Petition.objects.get().tracking_code in receipt.content.decode()


# E-mail without an account ------------------------------------------------------------------------


def test_filing_with_an_email_sends_a_confirmation_with_the_pdf_receipt(client, org):
    petition, key = _file(client, org, email="hoa@example.test")
    row = Notification.objects.get(recipient=None)
    assert row.email == "hoa@example.test"
    # The address is encrypted at rest; the access key is never in the stored text.
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, body, title FROM core_notification WHERE id = %s", [row.pk])
        raw = cursor.fetchone()
    assert "hoa@example.test" not in raw[0] and key not in raw[1] + raw[2]
    assert outbox_send_pending() >= 1
    message = next(m for m in mail.outbox if m.to == ["hoa@example.test"])
    assert petition.tracking_code in message.subject
    assert f"/tra-cuu/?code={petition.tracking_code}" in message.body and key not in message.body
    (name, content, mimetype) = message.attachments[0]
    assert name.endswith(".pdf") and content.startswith(b"%PDF") and mimetype == "application/pdf"
    row.refresh_from_db()
    assert row.attachment == "" and row.email_status == Notification.EmailStatus.SENT


def test_every_public_step_is_emailed_to_a_citizen_without_an_account(org):
    petition, _key = make_petition_with_key(org.commune, email="an@example.test")
    _resolve(org, petition)
    titles = list(Notification.objects.filter(recipient=None).order_by("id").values_list("title", flat=True))
    assert len(titles) == 3  # received (with receipt), accepted, resolved; not the internal start
    assert any("Đã thụ lý" in t or "Accepted" in t for t in titles)
    outbox_send_pending()
    assert all(m.to == ["an@example.test"] for m in mail.outbox if m.to == ["an@example.test"])
    assert sum(m.to == ["an@example.test"] for m in mail.outbox) == 3


def test_a_denouncers_messages_carry_no_identity(org):
    petition, _key = make_petition_with_key(
        org.commune, kind=Kind.DENUNCIATION, full_name="Trần Văn Tố", email="to@example.test"
    )
    services.petition_accept(petition=petition, actor=org.head)
    for row in Notification.objects.all():
        assert "Trần Văn Tố" not in row.title + row.body and "001085012345" not in row.title + row.body


def test_forgot_key_sends_a_new_key_and_revokes_the_old_one(client, org):
    petition, old_key = make_petition_with_key(org.commune, email="Hoa@Example.test")
    mail.outbox.clear()
    Notification.objects.all().delete()
    response = client.post(
        reverse("petitions:forgot_key"), {"code": petition.tracking_code.lower(), "email": "hoa@example.test"}
    )
    assert response.status_code == 302
    outbox_send_pending()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["Hoa@Example.test"]
    assert old_key not in mail.outbox[0].body
    petition.refresh_from_db()
    from petitions.selectors import petition_track

    assert petition_track(code=petition.tracking_code, key=old_key) is None
    assert petition.history.filter(action="key_reset", is_public=False).count() == 1
    pdf_text = mail.outbox[0].attachments[0][1]
    assert pdf_text.startswith(b"%PDF")


def test_forgot_key_answers_the_same_when_nothing_matches(client, org):
    petition, key = make_petition_with_key(org.commune, email="hoa@example.test")
    Notification.objects.all().delete()
    url = reverse("petitions:forgot_key")
    good = client.post(url, {"code": petition.tracking_code, "email": "hoa@example.test"}, follow=True)
    bad = client.post(url, {"code": petition.tracking_code, "email": "other@example.test"}, follow=True)
    unknown = client.post(url, {"code": "AAAA-BBBB-CC", "email": "hoa@example.test"}, follow=True)
    messages = [[str(m) for m in r.context["messages"]] for r in (good, bad, unknown)]
    assert messages[0] == messages[1] == messages[2]
    assert Notification.objects.count() == 1
    from petitions.selectors import petition_track

    assert petition_track(code=petition.tracking_code, key=key) is None  # only the matching request reset it


def test_forgot_key_is_rate_limited(client, org, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "access_key_reset": "2/h"}
    url = reverse("petitions:forgot_key")
    for _ in range(2):
        client.post(url, {"code": "AAAA-BBBB-CC", "email": "x@example.test"})
    assert client.post(url, {"code": "AAAA-BBBB-CC", "email": "x@example.test"}).status_code == 429


# What happens next --------------------------------------------------------------------------------


def test_the_status_page_says_what_the_unit_must_do_and_by_when(client, org, django_assert_max_num_queries):
    petition, key = make_petition_with_key(org.commune)
    with django_assert_max_num_queries(12):
        response = client.post(reverse("petitions:track"), {"code": petition.tracking_code, "key": key})
    body = response.content.decode()
    step = next_steps(petition)[0]
    assert f"{step.due_date:%d/%m/%Y}" in body and step.rule_name in body
    assert 'data-testid="overdue"' not in body


def test_an_overdue_step_is_said_plainly(client, org):
    petition, key = make_petition_with_key(org.commune)
    later = next_steps(petition)[0].due_date + datetime.timedelta(days=5)
    with time_machine.travel(datetime.datetime.combine(later, datetime.time(10)), tick=False):
        response = client.post(reverse("petitions:track"), {"code": petition.tracking_code, "key": key})
        body = response.content.decode()
    assert 'data-testid="overdue"' in body


def test_the_api_tracking_answer_has_the_next_steps(client, org):
    petition, key = make_petition_with_key(org.commune)
    response = client.post(
        reverse("api-petition-track"),
        {"code": petition.tracking_code.lower().replace("-", " "), "key": key},
        content_type="application/json",
    )
    assert response.status_code == 200
    steps = response.json()["next_steps"]
    assert steps and {"rule_name", "duty", "due_date", "days_left", "is_overdue"} <= set(steps[0])


# The decision -------------------------------------------------------------------------------------


def test_the_decision_is_downloaded_with_code_and_key_and_rights_are_spelled_out(client, org):
    petition, key = make_petition_with_key(org.commune)
    _resolve(org, petition)
    page = client.post(reverse("petitions:track"), {"code": petition.tracking_code, "key": key}).content.decode()
    assert 'data-testid="download-decision"' in page
    assert "Điều 33" in page or "Art. 33" in page
    rights = next_rights(petition)
    decided = petition.history.get(to_status=Status.RESOLVED).created_at.date()
    assert rights[0].until is not None and (rights[0].until - decided).days >= 30
    response = client.post(reverse("petitions:decision"), {"code": petition.tracking_code, "key": key})
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client.post(reverse("petitions:decision"), {"code": petition.tracking_code, "key": "X"}).status_code == 404
    assert client.get(reverse("petitions:decision")).status_code == 405


def test_a_remote_complainant_gets_45_days(org):
    petition, _key = make_petition_with_key(org.commune)
    Petition.objects.filter(pk=petition.pk).update(is_remote=True)
    petition.refresh_from_db()
    _resolve(org, petition)
    assert "45" in next_rights(petition)[0].text


def test_a_denunciations_own_files_are_never_served_by_code_and_key(client, org):
    petition, key = make_petition_with_key(org.commune, kind=Kind.DENUNCIATION)
    services._attach(petition, SimpleUploadedFile("to-cao.pdf", PDF), "pdf", "application/pdf")
    services.petition_accept(petition=petition, actor=org.head)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    # Resolved without a signed file: nothing may be downloaded, least of all the denouncer's own file.
    services.petition_resolve(petition=petition, actor=org.handler, decision_text="Kết luận nội dung tố cáo")
    assert client.post(reverse("petitions:decision"), {"code": petition.tracking_code, "key": key}).status_code == 404
    assert Attachment.objects.filter(petition=petition, is_decision=False).exists()
    assert "Điều 37" in " ".join(r.text for r in next_rights(petition)) or "Art. 37" in next_rights(petition)[0].text


# Filing help and anonymous filing -----------------------------------------------------------------


def test_the_form_explains_the_kinds_and_the_anonymous_denunciation(client, org):
    body = client.get(reverse("petitions:create")).content.decode()
    assert 'data-testid="kind-help"' in body and body.count("<dt>") >= 4
    assert "25" in body  # Law on Denunciations Art. 25


def test_the_unit_search_works_without_javascript(client, org):
    response = client.get(reverse("petitions:create"), {"unit_q": "hoan kiem"})
    units = list(response.context["form"].fields["unit"].queryset)
    assert units == [org.other_commune]


def test_anonymous_filing_needs_no_identity(client, org):
    data = filing_data(org, kind="denunciation", full_name="", id_number="", phone="", address="", anonymous="on")
    response = client.post(reverse("petitions:create"), data)
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.is_anonymous and petition.identity_protected


def test_without_the_anonymous_box_the_identity_is_asked_with_a_clear_message(client, org):
    response = client.post(reverse("petitions:create"), filing_data(org, full_name="", phone=""))
    errors = response.context["form"].errors
    assert set(errors) == {"full_name", "phone"}
    assert "ẩn danh" in errors["full_name"][0] or "anonymously" in errors["full_name"][0]


# Tracking codes, citizen IDs, lengths -------------------------------------------------------------


@pytest.mark.parametrize("typed", ["7kq2-m9xd-3h", "7KQ2M9XD3H", " 7kq2 m9xd 3h ", "7KQ2–M9XD–3H", "７KQ2M9XD3H"])
def test_tracking_codes_are_normalised(typed):
    assert normalize_tracking_code(typed) == "7KQ2-M9XD-3H"


def test_tracking_with_a_lowercase_code_without_dashes(client, org):
    petition, key = make_petition_with_key(org.commune)
    code = petition.tracking_code.lower().replace("-", "")
    response = client.post(reverse("petitions:track"), {"code": code, "key": key.lower()})
    assert response.context["petition"] == petition


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("００１１９００００１２３", None),  # full-width digits
        ("001 190 000 123", None),
        ("0011900001234", "12"),  # 13 digits: refused, never cut
        ("003190000123", "003"),  # 003 was never a province code
        ("001990000123", "2390"),  # century digit 9: born in the 2300s
        ("001399000123", "2099"),  # a birth year in the future
    ],
)
def test_citizen_id_structure(client, org, typed, error):
    response = client.post(reverse("petitions:create"), filing_data(org, id_number=typed))
    if error is None:
        assert response.status_code == 302
        assert Petition.objects.get().petitioner.id_number == "001190000123"
    else:
        assert error in response.context["form"].errors["id_number"][0]


def test_a_long_subject_or_name_gets_a_message_not_a_cut(client, org):
    response = client.post(reverse("petitions:create"), filing_data(org, title="Đ" * 201, full_name="A" * 151))
    errors = response.context["form"].errors
    assert "title" in errors and "full_name" in errors
    assert 'maxlength="200"' not in client.get(reverse("petitions:create")).content.decode()
    with pytest.raises(PetitionError):
        services.petition_submit(
            kind=Kind.COMPLAINT,
            title="x" * 201,
            content="c",
            unit=org.commune,
            petitioner=PetitionerData(full_name="An"),
        )


def test_a_logged_in_citizen_finds_their_details_filled_in(client, org):
    citizen = UserFactory(full_name="Lê Thị Mai", phone="0987654321", email="mai@example.test")
    client.force_login(citizen)
    form = client.get(reverse("petitions:create")).context["form"]
    assert (form["full_name"].value(), form["email"].value(), form["phone"].value()) == (
        "Lê Thị Mai",
        "mai@example.test",
        "0987654321",
    )


# Units API and the schema -------------------------------------------------------------------------


def test_the_public_units_list(client, org, django_assert_max_num_queries):
    for n in range(20):
        make_unit(f"Xã {n}", f"xa-{n}", "commune", parent=org.city)
    with django_assert_max_num_queries(4):  # constant: count, page (parents joined), session/savepoints
        response = client.get("/api/v1/units/")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert rows["ba-dinh"] == {"code": "ba-dinh", "name": "Phường Ba Đình", "level": "commune", "parent_code": "hn"}
    assert rows["hn"]["parent_code"] is None


def test_the_schema_passes_openapi_spec_validator(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    validate(schema)
    assert "/api/v1/units/" in schema["paths"]


def test_the_receipt_link_in_emails_never_holds_the_key(org):
    _petition, key = make_petition_with_key(org.commune, email="x@example.test")
    for url in Notification.objects.values_list("url", flat=True):
        assert key not in url and not re.search(r"[?&]key=", url)


def test_the_receipt_pdf_uses_one_font_with_every_vietnamese_glyph(org):
    from weasyprint import CSS, HTML

    from core.pdf import pdf_font

    html = '<p class="receipt">Giấy biên nhận — Đỗ Thị Dân, ưu tiên, ỹ ữ ẵ</p>'
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=pdf_font())], uncompressed_pdf=True)
    assert set(re.findall(rb"/FontName\s*/[A-Z]+\+([A-Za-z-]+)", pdf)) == {b"DejaVu-Serif"}


def test_a_logged_in_owner_downloads_the_decision_from_their_page(client, org):
    citizen = UserFactory()
    petition, _key = make_petition_with_key(org.commune, citizen=citizen)
    _resolve(org, petition)
    client.force_login(citizen)
    page = client.get(reverse("petitions:my_detail", args=[petition.tracking_code])).content.decode()
    decision = Attachment.objects.get(petition=petition, is_decision=True)
    assert reverse("petitions:attachment", args=[decision.pk]) in page and "Điều 33" in page
