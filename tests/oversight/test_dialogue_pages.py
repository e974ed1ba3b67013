"""Dialogues and hotspots on the oversight pages and API: each figure's list has its count, and the
head's overview lists the next dialogues, the follow-up actions due and the open hotspots with counts
equal to the lists they open."""

import datetime

import time_machine
from django.urls import reverse

from dialogues import services as dialogue_services
from oversight.scorecard import FIGURES, SOURCES

from .conftest import at
from .test_api import token_client  # noqa: F401 (fixture)
from .test_scorecard_dialogues import EXPECTED, KEYS


def test_the_scorecard_page_links_each_dialogue_and_hotspot_figure_to_its_cases(
    client, engaged_april, django_assert_max_num_queries
):
    client.force_login(engaged_april.org.inspector)
    params = {"unit": "ba-dinh", "period": "2026-Q1", "head": engaged_april.head_b.pk}
    with django_assert_max_num_queries(12 + len(SOURCES)):
        response = client.get(reverse("oversight:scorecard"), params)
    card = response.context["card"]
    assert {key: card.values[key].value for key in KEYS} == EXPECTED["chutich_moi"]
    for key in KEYS:
        value = card.values[key]
        with django_assert_max_num_queries(14):
            listed = client.get(value.url)
        assert listed.status_code == 200, key
        assert listed.context["total"] == value.value, key
        assert len(listed.context["page"].object_list) == value.value, key
    listed = client.get(card.values["hotspots_open"].url)
    assert engaged_april.h3.title in listed.content.decode()


def test_the_api_gives_each_figure_with_a_list_of_the_same_count(engaged_april, token_client):  # noqa: F811
    api = token_client(engaged_april.org.inspector)
    response = api.get("/api/v1/staff/scorecards/", {"unit": "ba-dinh", "period": "2026-Q1", "head": "unit"})
    assert response.status_code == 200
    figures = response.json()["figures"]
    assert {key: figures[key]["value"] for key in KEYS} == EXPECTED[None]
    for key in KEYS:
        listed = api.get(figures[key]["list"])
        assert listed.status_code == 200, key
        assert listed.json()["count"] == figures[key]["value"], key
    late = api.get(figures["dialogues_minutes_late"]["list"]).json()["results"]
    assert {row["code"] for row in late} == {engaged_april.d2.code, engaged_april.d3.code}
    comparison = api.get("/api/v1/staff/comparison/", {"unit": "ba-dinh", "period": "2026-Q1"}).json()
    row = next(r for r in comparison["rows"] if r["unit"] == "ba-dinh")
    assert row["figures"]["dialogues_held"]["value"] == 5
    assert set(KEYS) <= set(FIGURES)


def test_the_comparison_page_has_the_new_columns(client, engaged_april):
    client.force_login(engaged_april.org.inspector)
    response = client.get(reverse("oversight:comparison"), {"unit": "ba-dinh", "period": "2026-Q1"})
    assert response.status_code == 200
    assert {"dialogues_held", "hotspots_open"} <= {f.key for f in response.context["figures"]}


def test_the_heads_overview_lists_dialogues_actions_and_hotspots(client, engagement, django_assert_max_num_queries):
    head = engagement.head_b
    with time_machine.travel(at("2026-03-28"), tick=False):
        dialogue_services.followup_add(
            dialogue=engagement.d5,
            actor=head,
            description="Đo đạc lại thửa đất",
            owner=engagement.org.handler,
            due_date=datetime.date(2026, 4, 15),
        )
    with time_machine.travel(at("2026-04-10"), tick=False):
        client.force_login(head)
        with django_assert_max_num_queries(15):
            response = client.get(reverse("oversight:overview"))
        context = response.context
        assert [d.pk for d in context["next_dialogues"]] == [engagement.d6.pk]
        assert {h.pk for h in context["open_hotspots"]} == {engagement.h2.pk, engagement.h3.pk}
        assert [a.description for a in context["actions_due"]] == ["Đo đạc lại thửa đất"]
        assert context["actions_total"] == 1
        page = response.content.decode()
        assert "Đối thoại tháng 4" in page
        assert "H3 Giải phóng mặt bằng" in page
        # Each count opens a list of exactly that many.
        for status, _label, n in context["dialogue_counts"]:
            listed = client.get(reverse("dialogues:list"), {"status": status, "date_from": "2026-04-10"})
            assert listed.context["page"].paginator.count == n, status
        for status, _label, n in context["hotspot_counts"]:
            listed = client.get(reverse("dialogues:hotspots"), {"status": status})
            assert listed.context["page"].paginator.count == n, status
        assert {s: n for s, _label, n in context["hotspot_counts"]} == {"confirmed": 1, "handled": 1}
        assert sum(n for _s, _label, n in context["dialogue_counts"]) == len(context["next_dialogues"])
