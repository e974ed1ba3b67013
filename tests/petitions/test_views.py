import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petitions import services
from petitions.models import Attachment, Petition
from petitions.workflow import Status
from tests.factories import UserFactory, filing_payload, make_petition, make_petition_with_key

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def filing_data(org, **overrides):
    return filing_payload(org, **overrides)


def test_home_page_is_vietnamese(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


def test_english_is_a_second_locale(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()


def test_filing_shows_code_and_key_once_and_they_work(client, org):
    upload = SimpleUploadedFile("don.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("petitions:create"), {**filing_data(org), "attachments": [upload]})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    petition = Petition.objects.get()
    assert petition.tracking_code in page
    key = client.session["filed"]["key"]
    assert key in page
    assert petition.attachments.get().content_type == "application/pdf"
    tracked = client.post(reverse("petitions:track"), {"code": petition.tracking_code, "key": key})
    assert "Nguyễn Thị Hoa" not in tracked.content.decode()
    assert tracked.context["petition"] == petition


def test_invalid_filing_keeps_what_was_typed(client, org):
    data = filing_data(org, id_number="12345", phone="abc", title="")
    response = client.post(reverse("petitions:create"), data)
    assert response.status_code == 200
    assert not Petition.objects.exists()
    html = response.content.decode()
    assert "Nguyễn Thị Hoa" in html and "Tôi đề nghị xem xét lại." in html
    form = response.context["form"]
    assert set(form.errors) == {"id_number", "phone", "title"}


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, "attachments"),  # an executable named .pdf
        ("photo.pdf", PNG, "attachments"),  # a PNG pretending to be a PDF
        ("empty.pdf", b"", "attachments"),
    ],
)
def test_disguised_or_empty_uploads_are_refused(client, org, name, content, expected):
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("petitions:create"), {**filing_data(org), "attachments": [upload]})
    assert response.status_code == 200
    assert expected in response.context["form"].errors
    assert not Petition.objects.exists()


def test_oversized_uploads_are_refused(client, org, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    response = client.post(reverse("petitions:create"), {**filing_data(org), "attachments": [upload]})
    assert "attachments" in response.context["form"].errors
    assert not Petition.objects.exists()


def test_too_many_files_are_refused(client, org):
    uploads = [SimpleUploadedFile(f"f{i}.pdf", PDF) for i in range(6)]
    response = client.post(reverse("petitions:create"), {**filing_data(org), "attachments": uploads})
    assert "attachments" in response.context["form"].errors


def test_tracking_with_a_wrong_key_looks_like_an_unknown_code(client, org):
    petition, key = make_petition_with_key(org.commune)
    wrong = client.post(reverse("petitions:track"), {"code": petition.tracking_code, "key": "AAAAAAAA"})
    unknown = client.post(reverse("petitions:track"), {"code": "AAAA-AAAA-AA", "key": key})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["petition"] is None and unknown.context["petition"] is None
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert len(wrong.context["form"].non_field_errors()) == 1


def test_public_timeline_hides_internal_notes_and_staff_names(client, org):
    petition, key = make_petition_with_key(org.commune)
    services.petition_accept(petition=petition, actor=org.reception)
    services.petition_note_add(petition=petition, actor=org.reception, text="Ghi chú nội bộ bí mật")
    html = client.post(reverse("petitions:track"), {"code": petition.tracking_code, "key": key}).content.decode()
    assert "Ghi chú nội bộ bí mật" not in html
    assert org.reception.full_name not in html


def test_citizens_see_only_their_own_petitions(client, org):
    owner, stranger = UserFactory(), UserFactory()
    petition = make_petition(org.commune, citizen=owner)
    client.force_login(stranger)
    assert client.get(reverse("petitions:my_detail", args=[petition.tracking_code])).status_code == 404
    assert petition.tracking_code not in client.get(reverse("petitions:mine")).content.decode()
    assert client.get(reverse("petitions:list")).status_code == 403
    assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 403
    client.force_login(owner)
    assert petition.tracking_code in client.get(reverse("petitions:mine")).content.decode()


def test_staff_outside_the_subtree_get_404_and_an_empty_list(client, org, petition):
    client.force_login(org.outsider)
    assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 404
    assert petition.tracking_code not in client.get(reverse("petitions:list")).content.decode()
    response = client.post(reverse("petitions:action", args=[petition.pk, "accept"]), {})
    assert response.status_code == 404
    client.force_login(org.inspector)
    assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 200
    assert petition.tracking_code in client.get(reverse("petitions:list")).content.decode()


def test_inspectors_cannot_change_cases(client, org, petition):
    client.force_login(org.inspector)
    response = client.post(reverse("petitions:action", args=[petition.pk, "accept"]), {"accept-reason": ""})
    assert response.status_code == 403
    petition.refresh_from_db()
    assert petition.status == Status.RECEIVED
    assert "allowed" in response.content.decode() or "không được phép" in response.content.decode()


def test_accept_and_assign_through_the_page(client, org, petition):
    client.force_login(org.reception)
    response = client.post(reverse("petitions:action", args=[petition.pk, "accept"]), {"accept-reason": ""})
    assert response.status_code == 302
    response = client.post(
        reverse("petitions:action", args=[petition.pk, "assign"]), {"assign-handler": org.handler.pk}
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.status, petition.handler) == (Status.IN_PROGRESS, org.handler)


def test_a_disallowed_transition_gets_a_message_not_a_500(client, org, petition):
    client.force_login(org.head)
    response = client.post(
        reverse("petitions:action", args=[petition.pk, "resolve"]), {"resolve-decision_text": "Kết luận"}
    )
    assert response.status_code == 200
    assert response.context["bound_action"] == "resolve"
    assert "Kết luận" in response.content.decode()  # what was typed is still there
    petition.refresh_from_db()
    assert petition.status == Status.RECEIVED


def test_a_tampered_form_is_refused_cleanly(client, org, petition):
    client.force_login(org.head)
    services.petition_accept(petition=petition, actor=org.head)
    assert client.post(reverse("petitions:action", args=[petition.pk, "explode"]), {}).status_code == 404
    response = client.post(
        reverse("petitions:action", args=[petition.pk, "assign"]), {"assign-handler": org.outsider.pk}
    )
    assert response.status_code == 200
    assert "assign-handler" in response.content.decode()
    petition.refresh_from_db()
    assert petition.handler is None


def test_rejection_without_reason_keeps_the_form_open(client, org, petition):
    client.force_login(org.reception)
    response = client.post(reverse("petitions:action", args=[petition.pk, "reject"]), {"reject-reason": ""})
    assert response.status_code == 200
    assert response.context["bound_action"] == "reject"
    petition.refresh_from_db()
    assert petition.status == Status.RECEIVED


def test_reception_registers_a_posted_petition(client, org):
    client.force_login(org.reception)
    data = {**filing_data(org), "channel": "post", "received_on": "2026-11-20"}
    response = client.post(reverse("petitions:register"), data)
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.channel == "post" and petition.created_by == org.reception
    assert petition.received_at.date().isoformat() == "2026-11-20"
    assert petition.history.get(action="receive").created_at == petition.received_at


def test_registration_refuses_a_unit_outside_jurisdiction(client, org):
    client.force_login(org.reception)
    data = {**filing_data(org, unit=org.other_commune.pk), "channel": "post", "received_on": "2026-11-20"}
    response = client.post(reverse("petitions:register"), data)
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors


def test_attachments_are_served_only_to_people_with_access(client, org):
    upload = SimpleUploadedFile("don.pdf", PDF)
    client.post(reverse("petitions:create"), {**filing_data(org), "attachments": [upload]})
    attachment = Attachment.objects.get()
    url = reverse("petitions:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(org.outsider)
    assert client.get(url).status_code == 404
    client.force_login(org.handler)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def _make_many(org, n):
    for i in range(n):
        petition = make_petition(org.commune, title=f"Đơn số {i}")
        services.petition_accept(petition=petition, actor=org.head)
        services.petition_assign(petition=petition, actor=org.head, handler=org.handler)


def test_list_queries_do_not_grow_with_rows(client, org, django_assert_max_num_queries):
    client.force_login(org.head)
    _make_many(org, 3)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("petitions:list")).status_code == 200
    _make_many(org, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("petitions:list"))
    assert len(response.context["page"].object_list) == 23


def test_detail_queries_are_bounded(client, org, petition, django_assert_max_num_queries):
    client.force_login(org.head)
    services.petition_accept(petition=petition, actor=org.head)
    with django_assert_max_num_queries(20) as first:
        client.get(reverse("petitions:detail", args=[petition.pk]))
    for i in range(10):
        services.petition_note_add(petition=petition, actor=org.head, text=f"note {i}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 200


def test_list_filters_and_bad_filter_values_do_not_crash(client, org):
    client.force_login(org.head)
    make_petition(org.commune, title="Phản ánh ngập úng")
    ok = client.get(reverse("petitions:list"), {"q": "ngap ung", "status": "received", "ordering": "-received_at"})
    assert len(ok.context["page"].object_list) == 1
    bad = client.get(reverse("petitions:list"), {"received_from": "not-a-date", "unit": "999999", "page": "x"})
    assert bad.status_code == 200


def test_csrf_is_enforced_on_public_filing(org):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("petitions:create"), filing_data(org))
    assert response.status_code == 403
    assert not Petition.objects.exists()


def test_the_dashboard_summarises_the_jurisdiction(client, org, django_assert_max_num_queries):
    from deadlines.models import Deadline, Level

    mine = make_petition(org.commune)
    services.petition_accept(petition=mine, actor=org.head)
    services.petition_assign(petition=mine, actor=org.head, handler=org.handler)
    make_petition(org.commune)
    make_petition(org.other_commune)  # outside the handler's jurisdiction
    overdue_count = Deadline.objects.filter(petition=mine, closed_at__isnull=True).update(level=Level.OVERDUE)
    assert overdue_count >= 1
    client.force_login(org.handler)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("petitions:dashboard"))
    assert response.status_code == 200
    assert response.context["total"] == 2
    assert {s: n for s, _, n in response.context["by_status"]}[Status.IN_PROGRESS] == 1
    assert {lvl: n for lvl, _, n in response.context["levels"]}[Level.OVERDUE] == overdue_count
    assert response.context["my_cases"] == [mine]
    assert response.context["quotas"] == []
    overdue = client.get(reverse("petitions:list"), {"deadline": Level.OVERDUE})
    assert list(overdue.context["page"].object_list) == [mine]


def test_a_head_sees_the_reception_quota_on_the_dashboard(client, org):
    client.force_login(org.head)
    response = client.get(reverse("petitions:dashboard"))
    assert [q.unit for q in response.context["quotas"]] == [org.commune]
    assert 'data-testid="quota-card"' in response.content.decode()
