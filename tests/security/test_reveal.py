import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import services as core_services
from core.models import Role
from petitions import services
from petitions.models import IdentityReveal, Kind, PetitionRead
from petitions.services import PetitionError
from tests.factories import make_petition, make_staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def denunciation(org):
    petition = make_petition(org.commune, kind=Kind.DENUNCIATION)
    services.petition_accept(petition=petition, actor=org.reception)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    return petition


def test_the_assigned_handler_and_the_head_may_reveal(org, denunciation):
    for user in (org.handler, org.head):
        identity = services.petitioner_reveal(petition=denunciation, actor=user, reason="Xác minh")
        assert identity.full_name == "Nguyễn Văn An" and identity.id_number == "001085012345"
    rows = IdentityReveal.objects.filter(petition=denunciation)
    assert {(r.user, r.reason) for r in rows} == {(org.handler, "Xác minh"), (org.head, "Xác minh")}


@pytest.mark.parametrize("who", ["reception", "inspector", "city_head", "outsider", "other_handler"])
def test_everyone_else_is_refused_and_nothing_is_logged(org, denunciation, who):
    user = make_staff(org.commune, Role.HANDLER) if who == "other_handler" else getattr(org, who)
    with pytest.raises(PetitionError):
        services.petitioner_reveal(petition=denunciation, actor=user, reason="Tò mò")
    assert not IdentityReveal.objects.exists()


def test_a_former_head_may_no_longer_reveal(org, denunciation):
    core_services.unit_head_assign(unit=org.commune, user=make_staff(org.city), started_on=datetime.date(2026, 1, 1))
    with pytest.raises(PetitionError):
        services.petitioner_reveal(petition=denunciation, actor=org.head, reason="Xác minh")


def test_a_reason_is_required(org, denunciation):
    with pytest.raises(PetitionError):
        services.petitioner_reveal(petition=denunciation, actor=org.handler, reason="   ")
    assert not IdentityReveal.objects.exists()


def test_the_reveal_page_needs_a_reason_and_shows_the_identity_once(client, org, denunciation):
    client.force_login(org.handler)
    url = reverse("petitions:reveal", args=[denunciation.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Nguyễn Văn An" not in refused.content.decode()
    shown = client.post(url, {"reason": "Làm việc với người tố cáo"})
    assert shown.status_code == 200
    assert "Nguyễn Văn An" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert IdentityReveal.objects.get().reason == "Làm việc với người tố cáo"
    assert "Nguyễn Văn An" not in client.get(reverse("petitions:detail", args=[denunciation.pk])).content.decode()


def test_the_reveal_page_refuses_other_staff(client, org, denunciation):
    client.force_login(org.reception)
    page = client.get(reverse("petitions:detail", args=[denunciation.pk])).content.decode()
    assert 'data-testid="reveal-form"' not in page
    response = client.post(reverse("petitions:reveal", args=[denunciation.pk]), {"reason": "Tò mò"})
    assert response.status_code == 403
    assert "Nguyễn Văn An" not in response.content.decode()
    assert not IdentityReveal.objects.exists()
    client.force_login(org.outsider)
    assert client.post(reverse("petitions:reveal", args=[denunciation.pk]), {"reason": "x"}).status_code == 404


def test_the_reveal_is_post_only(client, org, denunciation):
    client.force_login(org.handler)
    assert client.get(reverse("petitions:reveal", args=[denunciation.pk])).status_code == 405


def test_detail_reads_are_logged_with_one_insert(client, org, petition):
    client.force_login(org.reception)
    client.get(reverse("petitions:detail", args=[petition.pk]))
    client.get(reverse("petitions:detail", args=[petition.pk]))
    assert PetitionRead.objects.filter(petition=petition, user=org.reception, via="page").count() == 2


def test_the_access_log_has_no_update_or_delete_in_the_admin(admin_client, org, denunciation):
    services.petitioner_reveal(petition=denunciation, actor=org.handler, reason="Xác minh")
    row = IdentityReveal.objects.get()
    assert admin_client.get(reverse("admin:petitions_identityreveal_changelist")).status_code == 200
    assert admin_client.post(reverse("admin:petitions_identityreveal_delete", args=[row.pk])).status_code == 403
    admin_client.post(reverse("admin:petitions_identityreveal_change", args=[row.pk]), {"reason": "changed"})
    row.refresh_from_db()
    assert row.reason == "Xác minh"


# --- A denunciation's attachments identify the denouncer ---------------------------------------


@pytest.fixture
def with_attachment(org):
    upload = SimpleUploadedFile("don-to-cao-cua-toi.pdf", PDF)
    petition, _ = services.petition_submit(
        kind=Kind.DENUNCIATION,
        title="Tố cáo",
        content="Nội dung",
        unit=org.commune,
        petitioner=services.PetitionerData(full_name="Nguyễn Văn An"),
        uploads=[(upload, "pdf", "application/pdf")],
    )
    services.petition_accept(petition=petition, actor=org.reception)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    return petition, petition.attachments.get()


def test_a_denunciations_attachment_needs_a_recent_reveal(client, org, with_attachment):
    petition, attachment = with_attachment
    url = reverse("petitions:attachment", args=[attachment.pk])
    client.force_login(org.handler)
    page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "don-to-cao-cua-toi" not in page
    assert client.get(url).status_code == 403
    revealed = client.post(reverse("petitions:reveal", args=[petition.pk]), {"reason": "Xem đơn gốc"})
    assert url in revealed.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    with time_machine.travel(datetime.timedelta(minutes=20)):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize(("who", "status"), [("reception", 403), ("inspector", 403), ("outsider", 404)])
def test_other_staff_never_download_a_denunciations_attachment(client, org, with_attachment, who, status):
    _petition, attachment = with_attachment
    client.force_login(getattr(org, who))
    assert client.get(reverse("petitions:attachment", args=[attachment.pk])).status_code == status


def test_anonymous_visitors_get_404_for_any_attachment(client, with_attachment):
    _petition, attachment = with_attachment
    assert client.get(reverse("petitions:attachment", args=[attachment.pk])).status_code == 404


def test_the_api_lists_a_denunciations_files_without_their_names(org, with_attachment):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    petition, _attachment = with_attachment
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=org.handler).key}")
    body = api.get(reverse("api-staff-petition", args=[petition.pk])).content.decode()
    assert "don-to-cao-cua-toi" not in body
