import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from deadlines.models import Deadline, Extension
from deadlines.selectors import deadlines_for_petitions
from petitions import services as petition_services
from petitions.models import Kind

from ..factories import make_petition
from .conftest import at

API = "/api/v1/deadlines/"


def test_the_api_returns_the_due_date(client, rules):
    response = client.get(API, {"rule": "complaint.first_resolution", "start": "2026-01-17"})
    assert response.status_code == 200
    assert response.json() == {
        "rule": "complaint.first_resolution",
        "start": "2026-01-17",
        "due": "2026-02-23",
        "unit": "calendar",
        "length": 30,
    }


def test_the_api_applies_variants_and_extensions(client, rules):
    response = client.get(API, {"rule": "complaint.first_resolution", "start": "2026-01-17", "complex": 1, "remote": 1})
    assert response.json()["due"] == "2026-03-18"
    params = {"rule": "denunciation.resolution", "start": "2027-01-06", "extensions": 2, "especially_complex": "yes"}
    response = client.get(API, params)
    assert (response.json()["due"], response.json()["length"]) == ("2027-04-06", 90)


@pytest.mark.parametrize(
    "params",
    [
        {"rule": "no.such.rule", "start": "2026-01-17"},
        {"rule": "petition.processing", "start": "17/01/2026"},
        {"rule": "petition.processing", "start": "2026-02-30"},
        {"rule": "petition.processing"},
        {"rule": "denunciation.resolution", "start": "2026-01-17", "extensions": 3},
        {"rule": "petition.processing", "start": "2026-01-17", "extensions": 1},
        {"rule": "petition.processing", "start": "2026-01-17", "extensions": "x"},
    ],
)
def test_the_api_rejects_bad_input_with_a_message(client, rules, params):
    response = client.get(API, params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_calculator_page_lists_the_skipped_holidays(client, rules, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("deadlines:calculator"), {"rule": "petition.processing", "start": "2026-02-13"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "06/03/2026" in body
    assert "Mùng hai Tết Nguyên Đán" in body or "Second day of Tết" in body


def test_the_calculator_page_works_empty_and_with_errors(client, rules):
    assert client.get(reverse("deadlines:calculator")).status_code == 200
    response = client.get(reverse("deadlines:calculator"), {"rule": "nope", "start": "x"})
    assert response.status_code == 200
    assert 'data-testid="result"' not in response.content.decode()


def test_badges_show_days_left_and_overdue(org, rules):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        petition = make_petition(org.commune)
    with time_machine.travel(at(2026, 3, 12), tick=False):
        html = render_to_string(
            "deadlines/_badges.html", {"deadlines": deadlines_for_petitions([petition.pk])[petition.pk]}
        )
        assert "16/03/2026" in html and 'data-testid="days-left"' in html
    with time_machine.travel(at(2026, 3, 19), tick=False):
        html = render_to_string(
            "deadlines/_badges.html", {"deadlines": deadlines_for_petitions([petition.pk])[petition.pk]}
        )
        assert 'data-testid="overdue"' in html


def test_deadlines_for_many_petitions_is_one_query(org, rules, django_assert_num_queries):
    ids = [make_petition(org.commune).pk for _ in range(3)]
    with django_assert_num_queries(1):
        result = deadlines_for_petitions(ids)
    assert {len(v) for v in result.values()} == {2}


@pytest.fixture
def resolution(org, rules):
    petition = make_petition(org.commune, kind=Kind.DENUNCIATION)
    petition_services.petition_accept(petition=petition, actor=org.reception)
    petition_services.petition_classify(
        petition=petition, actor=org.reception, kind=Kind.DENUNCIATION, is_complex=True, is_remote=False, reason="x"
    )
    return Deadline.objects.get(petition=petition, rule__code="denunciation.resolution")


def test_a_head_extends_from_the_petition_page(client, org, resolution):
    client.force_login(org.head)
    response = client.post(reverse("petitions:deadline_extend", args=[resolution.pk]), {"reason": "Vụ việc phức tạp"})
    assert response.status_code == 302
    assert Extension.objects.filter(deadline=resolution, decided_by=org.head).exists()


def test_others_cannot_extend(client, org, resolution):
    client.force_login(org.handler)
    client.post(reverse("petitions:deadline_extend", args=[resolution.pk]), {"reason": "x"})
    client.force_login(org.outsider)
    assert client.post(reverse("petitions:deadline_extend", args=[resolution.pk]), {"reason": "x"}).status_code == 404
    assert not Extension.objects.exists()


def test_the_extend_form_renders_for_a_denunciation(org, resolution, rf):
    request = rf.get("/")
    html = render_to_string(
        "deadlines/_extend.html",
        {
            "petition": resolution.petition,
            "deadlines": deadlines_for_petitions([resolution.petition_id])[resolution.petition_id],
        },
        request=request,
    )
    assert reverse("petitions:deadline_extend", args=[resolution.pk]) in html
