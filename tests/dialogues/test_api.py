import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dialogues import hotspots, services
from dialogues.models import RiskLevel

from .conftest import held, schedule
from .test_services import MINUTES


@pytest.fixture
def token_client():
    def make(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def data(org, complaints):
    dialogue = held(org, complaints)
    minutes = services.minutes_save(dialogue=dialogue, actor=org.head, **MINUTES)
    services.followup_add(
        dialogue=dialogue,
        actor=org.head,
        description="Đo đạc lại",
        owner=org.handler,
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    services.minutes_finalise(minutes=minutes, actor=org.head)
    services.minutes_correct(dialogue=dialogue, actor=org.head, reason="Sửa")
    pending = schedule(org, complaints[:1], when=timezone.now() + datetime.timedelta(days=5))
    hotspot = hotspots.hotspot_flag(
        actor=org.reception,
        unit=org.commune,
        title="Giải phóng mặt bằng",
        reason="Đông người",
        risk_level=RiskLevel.HIGH,
        owner=org.handler,
        petitions=list(complaints),
    )
    return dialogue, pending, hotspot


def test_the_staff_dialogue_list_filters_by_unit_status_and_date(
    token_client, org, data, django_assert_max_num_queries
):
    dialogue, pending, _ = data
    client = token_client(org.inspector)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/staff/dialogues/").json()
    assert {d["id"] for d in body["results"]} == {dialogue.pk, pending.pk}
    assert client.get("/api/v1/staff/dialogues/", {"status": "held"}).json()["results"][0]["id"] == dialogue.pk
    day = timezone.localtime(pending.scheduled_at).date()
    only = client.get("/api/v1/staff/dialogues/", {"date_from": day, "date_to": day}).json()["results"]
    assert [d["id"] for d in only] == [pending.pk]
    assert client.get("/api/v1/staff/dialogues/", {"unit": org.other_commune.pk}).json()["results"] == []
    assert client.get("/api/v1/staff/dialogues/", {"date_from": "không phải ngày"}).status_code == 400
    petition = body["results"][0]["petitions"][0]
    assert set(petition) == {"id", "tracking_code", "title", "kind", "status"}  # never the petitioner


def test_the_detail_has_every_minutes_version_and_the_actions(token_client, org, data):
    dialogue, _, _ = data
    body = token_client(org.head).get(f"/api/v1/staff/dialogues/{dialogue.pk}/").json()
    assert [(m["version"], m["status"]) for m in body["minutes"]] == [(2, "draft"), (1, "finalised")]
    assert body["actions"][0]["description"] == "Đo đạc lại" and body["actions"][0]["status"] == "open"


def test_jurisdiction_applies(token_client, org, data):
    dialogue, _, hotspot = data
    client = token_client(org.outsider)
    assert client.get("/api/v1/staff/dialogues/").json()["results"] == []
    assert client.get(f"/api/v1/staff/dialogues/{dialogue.pk}/").status_code == 404
    assert client.get("/api/v1/staff/hotspots/").json()["results"] == []
    assert client.get(f"/api/v1/staff/hotspots/{hotspot.pk}/").status_code == 404
    assert APIClient().get("/api/v1/staff/dialogues/").status_code in (401, 403)


def test_hotspots_come_with_their_petitions(token_client, org, complaints, data, django_assert_max_num_queries):
    client = token_client(org.city_head)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/staff/hotspots/", {"status": "confirmed"}).json()
    (hotspot,) = body["results"]
    assert {p["tracking_code"] for p in hotspot["petitions"]} == {p.tracking_code for p in complaints}
    # The petitioners' names (staff names come from Faker and may contain "Nguyễn" too).
    assert "Đỗ Thị Dân" not in str(body) and "Lê Văn Khác" not in str(body)
    assert "001190000001" not in str(body) and "0912000002" not in str(body)


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/staff/dialogues/",
        "/api/v1/staff/dialogues/{id}/",
        "/api/v1/staff/hotspots/",
        "/api/v1/staff/hotspots/{id}/",
    ):
        assert path in schema["paths"], path
