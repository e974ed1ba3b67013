"""The caseload at scale: keyset pages, no COUNT, bounded queries, Vietnamese search without diacritics."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deadlines.models import Deadline, Level
from petitions import selectors
from petitions.models import Kind, Petition, Petitioner
from petitions.pagination import keyset_page

from ..factories import make_petition

# A COUNT over the caseload (the petitions table, filtered or not): the unread-notification badge's
# per-user count on its own index is fine.
FULL_COUNT = re.compile(r"COUNT\(.*FROM \"petitions_petition\"", re.IGNORECASE | re.DOTALL)


def _many(org, n, **kwargs):
    return [make_petition(org.commune, title=f"Đơn số {i}", **kwargs) for i in range(n)]


def _no_count(queries):
    counting = [q["sql"] for q in queries if FULL_COUNT.search(q["sql"])]
    assert counting == [], counting


def test_the_caseload_page_counts_nothing_and_its_queries_do_not_grow_with_rows(client, org):
    client.force_login(org.head)
    _many(org, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("petitions:list")).status_code == 200
    _many(org, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("petitions:list"))
    assert len(response.context["page"].object_list) == 25 and response.context["page"].has_next
    assert len(many.captured_queries) == len(few.captured_queries) <= 15
    _no_count(many.captured_queries)
    with CaptureQueriesContext(connection) as searching:
        client.get(reverse("petitions:list"), {"q": "don so", "status": "received", "ordering": "title"})
    assert len(searching.captured_queries) <= 15
    _no_count(searching.captured_queries)


def test_the_staff_api_queries_do_not_depend_on_the_page_size(org, token_client):
    api = token_client(org.head)
    _many(org, 30)
    url = reverse("api-staff-petitions")
    with CaptureQueriesContext(connection) as small:
        assert len(api.get(url, {"page_size": 5}).json()["results"]) == 5
    with CaptureQueriesContext(connection) as large:
        assert len(api.get(url, {"page_size": 30}).json()["results"]) == 30
    assert len(small.captured_queries) == len(large.captured_queries) <= 15
    _no_count(large.captured_queries)


def test_keyset_pages_walk_every_petition_once_forwards_and_backwards(client, org):
    client.force_login(org.head)
    petitions = _many(org, 60)
    # Ties on the sort key are broken by the id: several petitions share a received_at second.
    Petition.objects.filter(pk__in=[p.pk for p in petitions[:20]]).update(received_at=petitions[0].received_at)
    expected = list(Petition.objects.order_by("-received_at", "-id").values_list("pk", flat=True))
    seen, pages, cursor = [], [], ""
    while True:
        page = client.get(reverse("petitions:list"), {"cursor": cursor}).context["page"]
        pages.append([p.pk for p in page])
        seen += pages[-1]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == expected and len(pages) == 3
    back = client.get(reverse("petitions:list"), {"cursor": page.previous_cursor}).context["page"]
    assert [p.pk for p in back] == pages[1] and back.has_next and back.has_previous


@pytest.mark.parametrize("ordering", ["", "received_at", "title"])
def test_pages_filtered_by_deadline_level_walk_every_alert_once(client, org, token_client, ordering):
    """The level filters page over the alert's copy of the caseload order (PostgreSQL) or the deadlines."""
    client.force_login(org.head)
    petitions = _many(org, 40)
    Petition.objects.filter(pk__in=[p.pk for p in petitions[:12]]).update(received_at=petitions[0].received_at)
    late = [p.pk for p in petitions[::2]]  # 20 of them, 6 sharing one receipt time
    Deadline.objects.filter(petition_id__in=late).update(level=Level.OVERDUE)
    Deadline.objects.filter(petition_id__in=late[:3], rule__code="petition.processing").update(level=Level.DUE_SOON)
    order = (ordering, "-id" if ordering.startswith("-") else "id") if ordering else ("-received_at", "-id")
    expected = list(Petition.objects.filter(pk__in=late).order_by(*order).values_list("pk", flat=True))
    for query in ({"deadline": Level.OVERDUE}, {"worst_deadline": Level.OVERDUE}):
        seen, cursor = [], ""
        while True:
            page = client.get(reverse("petitions:list"), {**query, "ordering": ordering, "cursor": cursor})
            page = page.context["page"]
            seen += [p.pk for p in page]
            if not page.has_next:
                break
            cursor = page.next_cursor
        assert seen == expected, query
        back = client.get(reverse("petitions:list"), {**query, "ordering": ordering, "cursor": page.previous_cursor})
        assert [p.pk for p in back.context["page"]] == expected[:25]
        api, results, url = token_client(org.head), [], reverse("api-staff-petitions")
        params = {**query, "ordering": ordering, "page_size": 7}
        while url:
            body = api.get(url, params).json()
            results += [row["id"] for row in body["results"]]
            url, params = body["next"], {}
        assert results == expected, query
    assert client.get(reverse("petitions:list"), {"deadline": Level.DUE_SOON}).context["page"].object_list
    due_soon_only = client.get(reverse("petitions:list"), {"worst_deadline": Level.DUE_SOON}).context["page"]
    assert [p.pk for p in due_soon_only] == []


@pytest.mark.parametrize("ordering", ["title", "-title", "status", "kind", "received_at"])
def test_every_sort_order_pages_without_gaps(org, ordering):
    _many(org, 12)
    queryset = selectors.petition_list(org.head)
    field = ordering.lstrip("-")
    expected = list(queryset.order_by(ordering, f"{ordering[0] if ordering[0] == '-' else ''}id"))
    seen, cursor = [], None
    order = (ordering, "-id" if ordering.startswith("-") else "id")
    while True:
        page = keyset_page(queryset, cursor=cursor, size=5, ordering=order)
        seen += list(page)
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert [p.pk for p in seen] == [p.pk for p in expected], field


def test_a_tampered_cursor_is_the_first_page(client, org):
    client.force_login(org.head)
    _many(org, 3)
    for cursor in ("garbage", "eyJrIjpbMSwyLDNdfQ", "eyJrIjpbIm5vdC1hLWRhdGUiLDFdfQ"):
        response = client.get(reverse("petitions:list"), {"cursor": cursor})
        assert response.status_code == 200 and len(response.context["page"].object_list) == 3


@pytest.mark.parametrize("query", ["dat dai", "DAT DAI", "Đất Đai", "đất đai", "tranh chap dat"])
def test_search_without_diacritics_finds_dat_dai(client, org, query):
    land = make_petition(org.commune, title="Tranh chấp đất đai thửa số 12")
    make_petition(org.commune, title="Phản ánh ngập úng")
    client.force_login(org.head)
    response = client.get(reverse("petitions:list"), {"q": query})
    assert [p.pk for p in response.context["page"]] == [land.pk]


def test_search_finds_the_petitioner_by_name_without_diacritics_and_the_code_without_dashes(org, token_client):
    named = make_petition(org.commune, title="Kiến nghị", full_name="Trần Thị Đào")
    api = token_client(org.head)
    found = api.get(reverse("api-staff-petitions"), {"q": "tran thi dao"}).json()["results"]
    assert [row["id"] for row in found] == [named.pk]
    code = named.tracking_code.replace("-", "").lower()
    assert [p.pk for p in selectors.petition_list(org.head).filter(selectors.petition_search_q(code))] == [named.pk]


def test_search_never_finds_a_protected_petitioner_by_name(client, org):
    make_petition(org.commune, kind=Kind.DENUNCIATION, title="Tố cáo", full_name="Lý Bí Mật")
    Petitioner.objects.update(name_search="ly bi mat")  # even were the name left searchable
    client.force_login(org.head)
    assert list(client.get(reverse("petitions:list"), {"q": "ly bi mat"}).context["page"]) == []


def test_pages_and_the_api_work_for_a_petition_without_a_petitioner_row(client, org, token_client):
    petition = make_petition(org.commune)
    Petitioner.objects.filter(petition=petition).delete()
    client.force_login(org.head)
    assert client.get(reverse("petitions:list")).status_code == 200
    assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 200
    rows = token_client(org.head).get(reverse("api-staff-petitions")).json()["results"]
    assert rows[0]["petitioner_name"] == ""


def test_public_statistics_are_cached(api, org, settings):
    settings.PUBLIC_CACHE_SECONDS = 300
    settings.PUBLIC_STATS_MIN_COUNT = 1
    cache.delete("petitions:public_statistics:1")
    try:
        make_petition(org.commune)
        first = api.get(reverse("api-statistics")).json()
        make_petition(org.commune)
        with CaptureQueriesContext(connection) as queries:
            assert api.get(reverse("api-statistics")).json() == first
        assert not any("petitions_petition" in q["sql"] for q in queries.captured_queries)
    finally:
        cache.delete("petitions:public_statistics:1")
