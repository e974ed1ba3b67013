from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petitions import services
from petitions.models import Attachment, Petition
from tests.factories import filing_payload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def filing(org, upload):
    return filing_payload(org, phone="0912345678", attachments=[upload])


def test_an_upload_over_the_size_limit_is_refused(client, org, settings):
    settings.UPLOAD_MAX_BYTES = 100
    upload = SimpleUploadedFile("don.pdf", PDF + b"0" * 200)
    response = client.post(reverse("petitions:create"), filing(org, upload))
    assert response.status_code == 200
    assert "attachments" in response.context["form"].errors
    assert not Petition.objects.exists()


def test_uploads_are_stored_outside_the_static_root_under_a_random_name(client, org, settings):
    upload = SimpleUploadedFile("../../static/evil.pdf", PDF)
    assert client.post(reverse("petitions:create"), filing(org, upload)).status_code == 302
    attachment = Attachment.objects.get()
    path = attachment.file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    assert not path.startswith(str(settings.STATIC_ROOT))
    assert "evil" not in path and ".." not in attachment.file.name


def test_downloads_carry_a_safe_file_name_and_no_cache(client, org):
    upload = SimpleUploadedFile('a"b;\r\nc/../d.pdf', PDF)
    citizen_petition, _ = services.petition_submit(
        kind="complaint",
        title="Khiếu nại",
        content="Nội dung",
        unit=org.commune,
        petitioner=services.PetitionerData(full_name="Nguyễn Thị Hoa"),
        uploads=[(upload, "pdf", "application/pdf")],
    )
    attachment = citizen_petition.attachments.get()
    client.force_login(org.reception)
    response = client.get(reverse("petitions:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition and "/" not in disposition.split("filename=")[1]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
