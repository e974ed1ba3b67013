"""The database connection dropped in the middle of a transition: a clear 503 (page or JSON), the
status unchanged and no history row (the request's transaction never committed)."""

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.authtoken.models import Token

from petitions.models import Petition, PetitionHistory
from petitions.workflow import Status
from tests.factories import make_petition

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kills a PostgreSQL backend"),
]


def _drop_connection_on_history_insert(execute, sql, params, many, context):
    """Kill this request's own database session just as the history row is written: the status
    UPDATE has run, the history INSERT has not."""
    if "INSERT INTO" in sql and PetitionHistory._meta.db_table in sql:
        db = connection.settings_dict
        pid = connection.connection.get_backend_pid()
        killer = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        killer.close()
    return execute(sql, params, many, context)


def _after(petition):
    connection.close()  # the test's connection was the one killed
    petition = Petition.objects.get(pk=petition.pk)
    return petition.status, list(petition.history.values_list("action", flat=True))


def test_the_page_says_nothing_was_saved_and_nothing_half_written_remains(client, org, settings):
    settings.LANGUAGE_CODE = "en"
    petition = make_petition(org.commune)
    client.force_login(org.reception)
    with connection.execute_wrapper(_drop_connection_on_history_insert):
        response = client.post(reverse("petitions:action", args=[petition.pk, "accept"]))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "was not saved" in response.content.decode() or "không được lưu" in response.content.decode()
    assert _after(petition) == (Status.RECEIVED, ["receive"])
    # The next request gets a fresh connection and the same action succeeds.
    client.force_login(org.reception)
    assert client.post(reverse("petitions:action", args=[petition.pk, "accept"])).status_code == 302
    assert _after(petition) == (Status.ACCEPTED, ["receive", "accept"])


def test_the_api_answers_json(client, org):
    petition = make_petition(org.commune)
    token = Token.objects.create(user=org.reception)
    with connection.execute_wrapper(_drop_connection_on_history_insert):
        response = client.post(
            reverse("api-staff-petition-transitions", args=[petition.pk]),
            {"action": "accept"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token.key}",
        )
    assert response.status_code == 503
    assert response.json()["detail"]
    assert _after(petition) == (Status.RECEIVED, ["receive"])
