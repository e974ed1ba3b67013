"""Attachments are encrypted at rest with the identity keys, rotate with them, and download decrypted."""

from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from core.crypto import _fernet
from petitions import services
from petitions.models import Attachment
from tests.factories import make_petition

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"Ho so cua Nguyen Van An 001085012345\n" * 20


def _upload():
    return SimpleUploadedFile("ho-so.pdf", PDF, content_type="application/pdf")


def _file_on_disk(attachment) -> bytes:
    return (Path(django_settings.MEDIA_ROOT) / attachment.file.name).read_bytes()


def test_an_uploaded_file_is_stored_encrypted_and_downloads_decrypted(client, org):
    response = client.post(
        reverse("petitions:create"),
        {
            "kind": "complaint",
            "unit": org.commune.pk,
            "title": "Khiếu nại",
            "content": "Nội dung",
            "full_name": "Nguyễn Văn An",
            "id_number": "001085012345",
            "phone": "0912345678",
            "address": "Hà Nội",
            "people_count": 1,
            "attachments": [_upload()],
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    stored = _file_on_disk(attachment)
    assert stored.startswith(b"gAAAAA") and b"%PDF" not in stored and b"001085012345" not in stored
    assert attachment.size == len(PDF)
    client.force_login(org.reception)
    download = client.get(reverse("petitions:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_rotation_re_encrypts_files_and_legacy_plaintext_files(org, settings):
    petition = make_petition(org.commune)
    services.petition_accept(petition=petition, actor=org.reception)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    services.petition_resolve(
        petition=petition,
        actor=org.handler,
        decision_text="Giải quyết",
        decision_file=(_upload(), "pdf", "application/pdf"),
    )
    encrypted = Attachment.objects.get()
    # A file written before encryption existed, as plain bytes.
    legacy = Attachment.objects.create(
        petition=petition, original_name="cu.pdf", extension="pdf", content_type="application/pdf", size=len(PDF)
    )
    legacy_path = Path(settings.MEDIA_ROOT) / "petitions" / "legacy.pdf"
    legacy_path.write_bytes(PDF)
    Attachment.objects.filter(pk=legacy.pk).update(file="petitions/legacy.pdf")
    legacy.refresh_from_db()
    assert legacy.file.open("rb").read() == PDF  # readable before rotation

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    _fernet.cache_clear()
    call_command("rotate_identity_keys")
    new_only = Fernet(new_key.encode())
    for attachment in (encrypted, legacy):
        assert new_only.decrypt(_file_on_disk(attachment)) == PDF
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can go
    _fernet.cache_clear()
    assert Attachment.objects.get(pk=encrypted.pk).file.open("rb").read() == PDF
    _fernet.cache_clear()
