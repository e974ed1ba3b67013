"""A denouncer's name, ID number and phone appear on no surface but the explicit, logged reveal."""

import logging

from django.apps import apps
from django.core import mail
from django.db import connection
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import Notification
from core.services_outbox import outbox_send_pending
from petitions import services
from petitions.models import IdentityReveal, Petition, Petitioner
from petitions.services import normalize_for_search

NAME = "Trịnh Thị Bí Mật"
ID_NUMBER = "079199912345"
PHONE = "0388776655"
EMAIL = "bimat.tocao@example.test"
SECRETS = (NAME, ID_NUMBER, PHONE, EMAIL, normalize_for_search(NAME), "Trinh Thi Bi Mat")


def assert_no_identity(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), f"{secret!r} leaked in {where}"


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def file_denunciation(org):
    response = APIClient().post(
        reverse("api-petition-create"),
        {
            "kind": "denunciation",
            "unit": org.commune.code,
            "title": "Tố cáo sai phạm trong giải phóng mặt bằng",
            "content": "Cán bộ địa chính nhận tiền của các hộ dân.",
            "full_name": NAME,
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "email": EMAIL,
            "address": "Số 7 ngõ Kín, Ba Đình",
        },
        format="json",
    )
    assert response.status_code == 201
    assert_no_identity(body(response), "the filing response")
    return Petition.objects.get(tracking_code=response.json()["tracking_code"]), response.json()["access_key"]


def test_a_denouncers_identity_leaks_nowhere(client, org, caplog):
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True  # SQL and its parameters are logged too
    try:
        petition, key = file_denunciation(org)
        # The staff work the case: accept, assign, resolve; notifications and e-mails are written.
        services.petition_accept(petition=petition, actor=org.reception)
        services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
        services.petition_resolve(petition=petition, actor=org.handler, decision_text="Tố cáo đúng một phần.")
        org.reception.email = "tiepdan@example.test"
        org.reception.save(update_fields=["email"])
        outbox_send_pending()

        surfaces = {}
        surfaces["public track page"] = body(
            client.post(reverse("petitions:track"), {"code": petition.tracking_code, "key": key})
        )
        surfaces["API track"] = body(
            api_client().post(
                reverse("api-petition-track"), {"code": petition.tracking_code, "key": key}, format="json"
            )
        )
        surfaces["public statistics"] = body(api_client().get(reverse("api-statistics")))
        for user in (org.reception, org.handler, org.head, org.inspector, org.city_head):
            client.force_login(user)
            surfaces[f"list page ({user})"] = body(client.get(reverse("petitions:list")))
            surfaces[f"detail page ({user})"] = body(client.get(reverse("petitions:detail", args=[petition.pk])))
            surfaces[f"CSV export page ({user})"] = body(client.get(reverse("petitions:export")))
            surfaces[f"notifications page ({user})"] = body(client.get(reverse("notifications")))
            api = api_client(user)
            surfaces[f"API list ({user})"] = body(api.get(reverse("api-staff-petitions")))
            surfaces[f"API detail ({user})"] = body(api.get(reverse("api-staff-petition", args=[petition.pk])))
            surfaces[f"API transitions ({user})"] = body(
                api.get(reverse("api-staff-petition-transitions", args=[petition.pk]))
            )
            surfaces[f"API export ({user})"] = body(api.get(reverse("api-staff-export"), HTTP_ACCEPT="text/csv"))
        for n in Notification.objects.all():
            surfaces[f"notification {n.pk}"] = f"{n.title} {n.body} {n.url}"
        for message in mail.outbox:
            surfaces[f"e-mail to {message.to}"] = f"{message.subject} {message.body}"

        assert Notification.objects.exists() and mail.outbox  # the surfaces were really exercised
        assert len(surfaces) > 40
        for where, text in surfaces.items():
            assert_no_identity(text, where)
        for record in caplog.records:
            assert_no_identity(record.getMessage(), f"log record {record.name}")
        # Not even masked: the audited reveal is the only way to see a protected identity.
        page = surfaces[f"detail page ({org.reception})"]
        assert "T***h" not in page and 'data-testid="masked-identity"' in page
    finally:
        connection.force_debug_cursor = False

    # The positive control: the assigned handler's reveal shows it, and only that response.
    client.force_login(org.handler)
    revealed = client.post(reverse("petitions:reveal", args=[petition.pk]), {"reason": "Xác minh nội dung tố cáo"})
    assert NAME in revealed.content.decode() and PHONE in revealed.content.decode()
    assert revealed["Cache-Control"].startswith("max-age=0") or "no-store" in revealed["Cache-Control"]
    assert IdentityReveal.objects.filter(petition=petition, user=org.handler).count() == 1
    assert_no_identity(body(client.get(reverse("petitions:detail", args=[petition.pk]))), "the next page view")
    assert_no_identity(str(dict(client.session)), "the session")
    for record in caplog.records:
        assert_no_identity(record.getMessage(), f"log record {record.name} (after the reveal)")


def test_no_table_holds_the_identity_in_clear(org):
    file_denunciation(org)
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names only
            dump = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert_no_identity(dump, f"table {table}")


def test_the_raw_identity_columns_are_encrypted(org):
    petition, _key = file_denunciation(org)
    table = connection.ops.quote_name(Petitioner._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT full_name, id_number, phone, email, address FROM {table} WHERE petition_id = %s",  # noqa: S608
            [petition.pk],
        )
        raw = cursor.fetchone()
    assert all(value.startswith("gAAAAA") for value in raw)  # Fernet tokens
    stored = Petitioner.objects.get(petition=petition)
    assert (stored.full_name, stored.id_number, stored.phone) == (NAME, ID_NUMBER, PHONE)
    assert stored.name_search == ""
