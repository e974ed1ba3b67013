import datetime

import time_machine
from django.urls import reverse

from reception import services
from reception.models import ReceptionSession


def _session(unit, day, capacity=10):
    return ReceptionSession.objects.create(
        unit=unit, date=day, start_time=datetime.time(8), end_time=datetime.time(11), place="Trụ sở", capacity=capacity
    )


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC))
def test_upcoming_sessions_with_places_left(client, org, django_assert_max_num_queries):
    first = _session(org.commune, datetime.date(2026, 12, 3), capacity=5)
    _session(org.other_commune, datetime.date(2026, 12, 4))
    _session(org.commune, datetime.date(2026, 11, 26))  # past: not listed
    services.booking_create(
        session_id=first.pk,
        full_name="Lê Thị Mai",
        phone="0912345678",
        id_number="001190000001",
        summary="Đất đai",
        people_count=2,
    )
    with django_assert_max_num_queries(5):  # unit, count, page, and the request savepoint pair
        response = client.get(reverse("api-reception-sessions"), {"unit": org.commune.code})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["date"], r["places_left"]) for r in rows] == [("2026-12-03", 3)]
    assert "Lê Thị Mai" not in response.content.decode()
    assert len(client.get(reverse("api-reception-sessions")).json()["results"]) == 2


def test_an_unknown_or_malformed_unit_is_a_400(client, db):
    for code in ("nope", "ba\x00dinh", "<script>"):
        response = client.get(reverse("api-reception-sessions"), {"unit": code})
        assert response.status_code == 400 and response.json()["detail"]
