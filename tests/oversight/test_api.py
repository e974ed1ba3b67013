import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from oversight.scorecard import SOURCES

from .test_scorecard import EXPECTED_A, EXPECTED_B


@pytest.fixture
def token_client():
    def make(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def test_the_scorecard_gives_each_figure_with_the_url_of_exactly_its_cases(
    april, token_client, django_assert_max_num_queries
):
    client = token_client(april.org.inspector)
    with django_assert_max_num_queries(9 + len(SOURCES)):
        response = client.get(
            "/api/v1/staff/scorecards/", {"unit": "ba-dinh", "period": "2026-Q1", "head": april.head_a.pk}
        )
    assert response.status_code == 200
    figures = response.json()["figures"]
    assert {k: v["value"] for k, v in figures.items()} == EXPECTED_A
    for key, figure in figures.items():
        listed = client.get(figure["list"])
        assert listed.status_code == 200, key
        assert listed.json()["count"] == figure["value"], key


def test_the_latest_head_is_the_default(april, token_client):
    response = token_client(april.org.city_head).get(
        "/api/v1/staff/scorecards/", {"unit": "ba-dinh", "period": "2026-Q1"}
    )
    assert response.json()["head"] == april.head_b.pk
    assert {k: v["value"] for k, v in response.json()["figures"].items()} == EXPECTED_B


def test_bad_input_is_a_400_with_a_message(april, token_client):
    client = token_client(april.org.inspector)
    response = client.get("/api/v1/staff/scorecards/", {"unit": "ba-dinh", "period": "2026-13"})
    assert response.status_code == 400 and response.json()["detail"]
    assert client.get("/api/v1/staff/scorecards/", {"period": "2026"}).status_code == 400
    response = client.get("/api/v1/staff/scorecards/cases/", {"unit": "ba-dinh", "period": "2026", "figure": "nope"})
    assert response.status_code == 400


def test_jurisdiction_applies(april, token_client):
    client = token_client(april.head_b)
    assert client.get("/api/v1/staff/scorecards/", {"unit": "hoan-kiem", "period": "2026-Q1"}).status_code == 404
    assert client.get("/api/v1/staff/comparison/", {"unit": "hn", "period": "2026-Q1"}).status_code == 404
    assert token_client(april.org.handler).get("/api/v1/staff/findings/").status_code == 403
    assert APIClient().get("/api/v1/staff/findings/").status_code in (401, 403)


def test_the_comparison_blanks_rates_below_the_minimum(april, token_client, settings):
    settings.OVERSIGHT_RATE_MIN_CASES = 4
    response = token_client(april.org.inspector).get("/api/v1/staff/comparison/", {"unit": "hn", "period": "2026-Q1"})
    rows = {row["unit"]: row["figures"] for row in response.json()["rows"]}
    assert list(rows) == ["hn", "ba-dinh", "hoan-kiem", "so-tnmt"]
    assert rows["ba-dinh"]["handled_on_time"] == {"value": 9, "denominator": 10, "percent": 90}
    assert rows["hoan-kiem"]["handled_on_time"]["percent"] is None


def test_findings_are_listed_in_the_jurisdiction(april, token_client):
    response = token_client(april.org.inspector).get("/api/v1/staff/findings/", {"status": "open"})
    assert [f["code"] for f in response.json()["results"]] == [april.f2.code]
    response = token_client(april.org.outsider).get("/api/v1/staff/findings/")
    assert response.status_code == 403


def test_the_endpoints_are_in_the_schema(client, db):
    schema = client.get("/api/v1/schema/").content.decode()
    for path in (
        "/api/v1/staff/scorecards/",
        "/api/v1/staff/scorecards/cases/",
        "/api/v1/staff/comparison/",
        "/api/v1/staff/findings/",
    ):
        assert path in schema
