import pytest
from django.urls import reverse

from petitions.models import Kind, Petition
from tests.factories import filing_payload, make_petition, make_petition_with_key


def filing(org, **overrides):
    return filing_payload(org, api=True, **overrides)


def test_filing_returns_code_and_key_that_track_the_petition(api, org):
    response = api.post(reverse("api-petition-create"), filing(org), format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"tracking_code", "access_key", "status"}
    petition = Petition.objects.get()
    assert petition.tracking_code == body["tracking_code"]
    assert petition.petitioner.phone == "0912345678"
    tracked = api.post(
        reverse("api-petition-track"), {"code": body["tracking_code"], "key": body["access_key"]}, format="json"
    )
    assert tracked.status_code == 200
    assert tracked.json()["status"] == "received"
    assert "Nguyễn Thị Hoa" not in tracked.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("id_number", "12345"), ("phone", "abc"), ("unit", "no-such-unit"), ("kind", "gossip"), ("title", "  ")],
)
def test_filing_applies_the_forms_rules(api, org, field, value):
    response = api.post(reverse("api-petition-create"), filing(org, **{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Petition.objects.exists()


def test_filing_accepts_json_only(api, org):
    response = api.post(reverse("api-petition-create"), filing(org))  # multipart
    assert response.status_code == 415


def test_tracking_with_a_wrong_key_or_code_is_the_same_404(api, org):
    petition, key = make_petition_with_key(org.commune)
    wrong_key = api.post(reverse("api-petition-track"), {"code": petition.tracking_code, "key": "WRONG"}, format="json")
    wrong_code = api.post(reverse("api-petition-track"), {"code": "AAAA-BBBB-CC", "key": key}, format="json")
    assert wrong_key.status_code == wrong_code.status_code == 404
    assert wrong_key.json() == wrong_code.json()


def test_tracking_without_parameters_is_a_400(api, db):
    assert api.post(reverse("api-petition-track"), {}, format="json").status_code == 400


def test_tracking_refuses_keys_in_the_address(api, org):
    petition, key = make_petition_with_key(org.commune)
    response = api.get(reverse("api-petition-track"), {"code": petition.tracking_code, "key": key})
    assert response.status_code == 400
    assert "POST" in response.json()["detail"]


def test_statistics_hide_units_with_few_petitions(api, org, settings):
    settings.PUBLIC_STATS_MIN_COUNT = 3
    for _ in range(3):
        make_petition(org.commune)
    make_petition(org.commune, kind=Kind.DENUNCIATION)
    make_petition(org.other_commune)
    response = api.get(reverse("api-statistics"))
    assert response.status_code == 200
    rows = {row["unit_code"]: row for row in response.json()}
    assert set(rows) == {org.commune.code}
    assert rows[org.commune.code]["total"] == 4
    assert rows[org.commune.code]["by_kind"] == {"complaint": 3, "denunciation": 1}
    assert rows[org.commune.code]["by_status"] == {"received": 4}


def test_schema_and_docs_are_served(api, db):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/petitions/" in paths and "/api/v1/staff/petitions/{id}/" in paths
    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200
    # The vendored Swagger UI, not a CDN: the portal may run without internet.
    assert "drf_spectacular_sidecar" in docs.content.decode()
    assert "Content-Security-Policy" not in docs.headers
