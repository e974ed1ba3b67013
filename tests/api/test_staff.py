import csv
import io

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from petitions import services
from petitions.models import Kind, PetitionRead
from petitions.workflow import Status
from tests.factories import UserFactory, make_petition


def test_staff_obtain_a_token_with_their_password(api, org):
    response = api.post(reverse("api-token"), {"username": "xuly", "password": "pass-1234"}, format="json")
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=org.handler).key


def test_a_wrong_password_gets_no_token(api, org):
    response = api.post(reverse("api-token"), {"username": "xuly", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_citizens_get_no_token(api, db):
    UserFactory(username="dan")
    response = api.post(reverse("api-token"), {"username": "dan", "password": "pass-1234"}, format="json")
    assert response.status_code == 403


def test_staff_endpoints_need_a_token(api, petition):
    assert api.get(reverse("api-staff-petitions")).status_code == 401
    assert api.get(reverse("api-staff-petition", args=[petition.pk])).status_code == 401


def test_a_citizens_token_is_refused(token_client, petition):
    citizen = UserFactory()
    assert token_client(citizen).get(reverse("api-staff-petitions")).status_code == 403


def test_list_shows_the_jurisdiction_only(token_client, org):
    mine = make_petition(org.commune)
    other = make_petition(org.other_commune)
    codes = {
        p["tracking_code"] for p in token_client(org.reception).get(reverse("api-staff-petitions")).json()["results"]
    }
    assert codes == {mine.tracking_code}
    outsider_codes = {
        p["tracking_code"] for p in token_client(org.outsider).get(reverse("api-staff-petitions")).json()["results"]
    }
    assert outsider_codes == {other.tracking_code}
    city_codes = {
        p["tracking_code"] for p in token_client(org.inspector).get(reverse("api-staff-petitions")).json()["results"]
    }
    assert city_codes == {mine.tracking_code, other.tracking_code}


def test_a_token_from_another_jurisdiction_gets_404(token_client, org, petition):
    client = token_client(org.outsider)
    assert client.get(reverse("api-staff-petition", args=[petition.pk])).status_code == 404
    assert client.get(reverse("api-staff-petition-transitions", args=[petition.pk])).status_code == 404
    response = client.post(
        reverse("api-staff-petition-transitions", args=[petition.pk]), {"action": "accept"}, format="json"
    )
    assert response.status_code == 404
    petition.refresh_from_db()
    assert petition.status == Status.RECEIVED


def test_list_applies_the_list_pages_filters(token_client, org):
    complaint = make_petition(org.commune, title="Ngập úng đường Láng")
    denunciation = make_petition(org.commune, kind=Kind.DENUNCIATION, title="Tố cáo cán bộ")
    client = token_client(org.reception)
    url = reverse("api-staff-petitions")

    def codes(**params):
        return [p["tracking_code"] for p in client.get(url, params).json()["results"]]

    assert codes(kind="denunciation") == [denunciation.tracking_code]
    assert codes(q="ngap ung") == [complaint.tracking_code]
    assert codes(status=["received"], unit=org.commune.pk) == [denunciation.tracking_code, complaint.tracking_code]
    assert codes(ordering="title") == [complaint.tracking_code, denunciation.tracking_code]
    assert codes(status="closed") == []


def test_invalid_filters_are_a_400_not_a_500(token_client, org):
    response = token_client(org.reception).get(reverse("api-staff-petitions"), {"received_from": "yesterday"})
    assert response.status_code == 400
    assert "received_from" in response.json()["errors"]


def test_cursor_pagination_walks_the_whole_caseload(token_client, org):
    created = {make_petition(org.commune).tracking_code for _ in range(5)}
    client = token_client(org.reception)
    seen, url = [], reverse("api-staff-petitions") + "?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [p["tracking_code"] for p in body["results"]]
        url = body["next"]
    assert len(seen) == 5 and set(seen) == created


def test_list_query_count_does_not_grow_with_rows(token_client, org, django_assert_max_num_queries):
    for _ in range(5):
        make_petition(org.commune)
    client = token_client(org.reception)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api-staff-petitions")).status_code == 200


def test_detail_is_logged_and_hides_denouncers_even_masked(token_client, org):
    petition = make_petition(org.commune, kind=Kind.DENUNCIATION)
    response = token_client(org.reception).get(reverse("api-staff-petition", args=[petition.pk]))
    assert response.status_code == 200
    identity = response.json()["petitioner"]
    assert identity["masked"] is True
    assert set(identity.values()) == {True, ""}
    assert "N***n" not in response.content.decode() and response.json()["petitioner_name"] == ""
    assert PetitionRead.objects.filter(petition=petition, user=org.reception, via="api").count() == 1


def test_detail_shows_other_petitioners_to_staff(token_client, org, petition, django_assert_max_num_queries):
    client = token_client(org.reception)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("api-staff-petition", args=[petition.pk]))
    assert response.json()["petitioner"]["full_name"] == "Nguyễn Văn An"


def test_transitions_list_the_allowed_actions(token_client, org, petition):
    body = token_client(org.reception).get(reverse("api-staff-petition-transitions", args=[petition.pk])).json()
    assert body["status"] == "received"
    actions = {a["action"]: a for a in body["actions"]}
    assert "accept" in actions and actions["reject"]["reason_required"] is True
    assert "resolve" not in actions


def test_an_action_goes_through_the_services(token_client, org, petition):
    url = reverse("api-staff-petition-transitions", args=[petition.pk])
    response = token_client(org.reception).post(url, {"action": "accept"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert petition.history.filter(action="accept", actor=org.reception).exists()
    assign = token_client(org.head).post(url, {"action": "assign", "handler": org.handler.pk}, format="json")
    assert assign.status_code == 200
    assert assign.json()["status"] == "in_progress"


@pytest.mark.parametrize(
    ("user", "payload", "message"),
    [
        ("handler", {"action": "accept"}, "not allowed"),
        ("reception", {"action": "close"}, "not possible"),
        ("reception", {"action": "reject"}, "reason"),
        ("reception", {"action": "forward", "reason": "x"}, "unit"),
    ],
)
def test_refused_actions_are_a_400_with_a_message(token_client, org, petition, user, payload, message):
    client = token_client(getattr(org, user))
    client.cookies["django_language"] = "en"
    response = client.post(reverse("api-staff-petition-transitions", args=[petition.pk]), payload, format="json")
    # No role for the action is a refusal (403); a role but a broken rule is a 400 with the rule's message.
    assert response.status_code == (403 if message == "not allowed" else 400)
    assert message in str(response.json()).lower()
    petition.refresh_from_db()
    assert petition.status == Status.RECEIVED


def test_a_service_error_is_a_400(token_client, org):
    petition = make_petition(org.commune, kind=Kind.DENUNCIATION)
    petition.is_anonymous = True
    petition.save(update_fields=["is_anonymous"])
    client = token_client(org.reception)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("api-staff-petition-transitions", args=[petition.pk]), {"action": "accept"}, format="json"
    )
    assert response.status_code == 400
    assert "anonymous" in response.json()["detail"].lower()


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_has_the_national_database_fields(token_client, org):
    petition = make_petition(org.commune)
    services.petition_accept(petition=petition, actor=org.reception)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    services.petition_resolve(petition=petition, actor=org.handler, decision_text="Giữ nguyên quyết định")
    make_petition(org.other_commune)
    response = token_client(org.reception).get(
        reverse("api-staff-export"), {"unit": org.commune.pk, "from": "2000-01-01"}, HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = _csv(response)
    assert len(header) == 16 and len(rows) == 1
    row = rows[0]
    assert row[0] == petition.tracking_code
    assert row[4] == org.commune.code
    assert row[7] and row[8]  # accepted and resolved dates
    assert row[9] == "Giữ nguyên quyết định"
    assert row[13] == "Nguyễn Văn An"


def test_export_covers_the_jurisdiction_only(token_client, org):
    make_petition(org.commune)
    response = token_client(org.outsider).get(reverse("api-staff-export"))
    assert len(_csv(response)) == 1  # the header only
    refused = token_client(org.outsider).get(reverse("api-staff-export"), {"unit": org.commune.pk})
    assert refused.status_code == 400


def test_export_neutralises_spreadsheet_formulas(token_client, org):
    make_petition(org.commune, full_name="=HYPERLINK(1)")
    rows = _csv(token_client(org.reception).get(reverse("api-staff-export")))
    assert rows[1][13] == "'=HYPERLINK(1)"


def test_export_with_a_reversed_period_is_a_400(token_client, org):
    response = token_client(org.reception).get(reverse("api-staff-export"), {"from": "2025-02-01", "to": "2025-01-01"})
    assert response.status_code == 400


def test_caseload_page_links_to_the_same_export(client, org):
    make_petition(org.commune)
    client.force_login(org.reception)
    page = client.get(reverse("petitions:list")).content.decode()
    assert reverse("petitions:export") in page
    response = client.get(reverse("petitions:export"), {"unit": org.commune.pk})
    assert response.status_code == 200
    assert len(_csv(response)) == 2


def test_a_refused_export_asked_as_csv_is_csv_too(token_client, org):
    response = token_client(org.outsider).get(
        reverse("api-staff-export"), {"unit": org.commune.pk}, HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows and all(len(row) == 2 for row in rows) and rows[0][0].startswith("errors")
