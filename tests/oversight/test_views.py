import datetime
import io

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import Notification, UnitHeadTerm
from deadlines.models import Deadline, Level
from dialogues.models import Dialogue, FollowUpAction, Hotspot, SuggestionBasis
from dialogues.workflow import HotspotStatus
from oversight import services as oversight_services
from oversight.models import Finding, FindingHistory, FindingStatus, ReportJob
from oversight.scorecard import SOURCES
from petitions import services
from petitions.models import Kind, Petition
from reception import services as reception_services
from reception.models import ReceptionSession
from tests.factories import make_petition, make_unit

from .conftest import at


def _get(client, name, **params):
    return client.get(reverse(name), params)


# --- Scorecard pages --------------------------------------------------------------------------------


def test_the_scorecard_page_links_each_figure_to_a_list_of_the_same_count(client, april, django_assert_max_num_queries):
    client.force_login(april.org.inspector)
    # A fixed number per page plus one aggregate query per source table, whatever the data.
    with django_assert_max_num_queries(12 + len(SOURCES)):
        response = _get(client, "oversight:scorecard", unit="ba-dinh", period="2026-Q1", head=april.head_a.pk)
    assert response.status_code == 200
    card = response.context["card"]
    assert card.values["handled_on_time"].display() == "5/6 (83%)"
    for value in card.values.values():
        listed = client.get(value.url)
        assert listed.status_code == 200, value.figure.key
        assert listed.context["total"] == value.value, value.figure.key
        if listed.context["page"] is not None:
            assert len(listed.context["page"].object_list) == value.value


def test_the_default_head_is_the_latest_in_the_period(client, april):
    client.force_login(april.org.city_head)
    response = _get(client, "oversight:scorecard", unit="ba-dinh", period="2026-Q1")
    assert response.context["head"] == april.head_b
    assert [h for h, _w in response.context["windows"]] == [april.head_a, april.head_b]


def test_a_bad_period_is_explained(client, org):
    client.force_login(org.inspector)
    response = _get(client, "oversight:scorecard", unit="ba-dinh", period="2026-Q7")
    assert response.status_code == 400
    assert "2026-Q7" in response.content.decode()


def test_the_comparison_is_sortable_and_blanks_rates_below_the_minimum(client, april, settings):
    settings.OVERSIGHT_RATE_MIN_CASES = 4
    client.force_login(april.org.inspector)
    response = _get(client, "oversight:comparison", unit="hn", period="2026-Q1", sort="-received")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0][0].unit.code == "ba-dinh"
    cells = {c.unit.code: {cell["key"]: cell for cell in cells} for c, cells in rows}
    assert cells["ba-dinh"]["handled_on_time"]["text"] == "9/10 (90%)"
    assert cells["hoan-kiem"]["handled_on_time"]["text"] == "—"  # two clocks only


def test_charts_carry_their_numbers_as_tables(client, april):
    client.force_login(april.org.city_head)
    response = _get(client, "oversight:charts", unit="hn", period="2026-Q1")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-data"' in html and 'data-testid="table-monthly"' in html
    assert [m["received"] for m in response.context["monthly"]] == [3, 0, 3]
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "<script>" not in html  # CSP: no inline script


# --- Permissions -------------------------------------------------------------------------------------


def test_a_head_sees_only_their_jurisdiction(client, april):
    client.force_login(april.head_b)
    assert _get(client, "oversight:scorecard", unit="ba-dinh", period="2026-Q1").status_code == 200
    assert _get(client, "oversight:scorecard", unit="hoan-kiem", period="2026-Q1").status_code == 400
    assert _get(client, "oversight:comparison", unit="hn", period="2026-Q1").status_code == 400
    response = _get(client, "oversight:cases", unit="hoan-kiem", period="2026-Q1", figure="received")
    assert response.status_code == 302


def test_reception_and_handling_officers_have_no_oversight(client, org):
    for user in (org.handler, org.reception):
        client.force_login(user)
        assert _get(client, "oversight:scorecard").status_code == 403
        assert _get(client, "oversight:queue").status_code == 403


def test_an_inspector_changes_no_case(client, april):
    petition = april.p2
    client.force_login(april.org.inspector)
    before = Petition.objects.get(pk=petition.pk).status
    response = client.post(reverse("petitions:action", args=[petition.pk, "resolve"]), {"resolve-decision_text": "x"})
    assert response.status_code in (200, 400, 403)
    assert Petition.objects.get(pk=petition.pk).status == before
    assert services.allowed_actions(user=april.org.inspector, petition=petition) == []
    # ... and records no remedy for the head.
    response = client.post(reverse("oversight:finding", args=[april.f2.pk]), {"note": "Đã làm"})
    assert response.status_code == 403
    assert Finding.objects.get(pk=april.f2.pk).status == FindingStatus.OPEN


# --- Overview --------------------------------------------------------------------------------------


def test_the_overview_counts_equal_the_lists_they_open(client, org, django_assert_max_num_queries):
    due_soon = make_petition(org.commune)
    overdue = make_petition(org.commune, kind=Kind.REFLECTION)
    Deadline.objects.filter(petition=due_soon).update(level=Level.DUE_SOON)
    Deadline.objects.filter(petition=overdue).update(level=Level.DUE_SOON)
    Deadline.objects.filter(petition=overdue, rule__code="petition.processing").update(level=Level.OVERDUE)
    client.force_login(org.head)
    # Counted as the test counts them, the savepoint of the request's transaction included.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("petitions:dashboard"))  # the old name still works
    assert response.request["PATH_INFO"] == "/can-bo/"
    counts = {level: n for level, _label, n in response.context["levels"]}
    assert counts == {Level.DUE_SOON: 1, Level.OVERDUE: 1, Level.LONG_OVERDUE: 0}
    for level, n in counts.items():
        listed = client.get(reverse("petitions:list"), {"worst_deadline": level})
        assert len(listed.context["page"].object_list) == n  # keyset pages count nothing; n < a page
    assert [d.petition for d in response.context["worst_cases"]] == []  # nothing past its due date yet


def _more_of_everything(org, n: int) -> None:
    """A new unit under the head's commune, headed by them too, and in it and in the commune `n` of
    everything the overview lists or counts: petitions (late, some the head's own), upcoming
    dialogues with follow-up actions (some the head's own), open hotspots and reception days; and
    `n` unread notifications for the head."""
    today = timezone.localdate()
    unit = make_unit(f"Tổ công tác {n}", f"to-cong-tac-{n}", "team", parent=org.commune)
    UnitHeadTerm.objects.create(unit=unit, user=org.head, started_on=today - datetime.timedelta(days=30))
    for i in range(n):
        for where in (org.commune, unit):
            petition = make_petition(where)
            Deadline.objects.filter(petition=petition).update(level=Level.OVERDUE)
            Petition.objects.filter(pk=petition.pk).update(handler=org.head)
            dialogue = Dialogue.objects.create(
                unit=where,
                subject=f"Đối thoại {n}-{i}",
                scheduled_at=timezone.now() + datetime.timedelta(days=i + 1),
                place="Hội trường UBND",
                chair=org.head,
                created_by=org.reception,
            )
            for owner in (org.handler, org.head):
                FollowUpAction.objects.create(
                    dialogue=dialogue,
                    description="Đo đạc lại thửa đất",
                    owner=owner,
                    due_date=today + datetime.timedelta(days=7),
                    created_by=org.head,
                )
            Hotspot.objects.create(
                unit=where,
                title=f"Điểm nóng {n}-{i}",
                basis=SuggestionBasis.STAFF,
                reason="Nhiều hộ dân tụ tập",
                risk_level="high",
                owner=org.head,
                status=HotspotStatus.CONFIRMED,
            )
            ReceptionSession.objects.create(
                unit=where,
                date=today + datetime.timedelta(days=n + i + 1),
                start_time=datetime.time(8),
                end_time=datetime.time(11),
                place="Trụ sở tiếp công dân",
            )
        Notification.objects.create(recipient=org.head, title=f"Thông báo {n}-{i}")


def test_the_overview_makes_as_many_queries_whatever_the_data(
    client, org, django_assert_max_num_queries, django_assert_num_queries
):
    """More units, petitions, dialogues, hotspots, follow-up actions (past the 20 listed), reception
    days and notifications in the head's jurisdiction: not one query more."""
    _more_of_everything(org, 1)
    client.force_login(org.head)
    with django_assert_max_num_queries(15) as captured:
        response = client.get(reverse("oversight:overview"))
    assert response.context["actions_total"] == 4
    _more_of_everything(org, 12)
    with django_assert_num_queries(len(captured)):
        response = client.get(reverse("oversight:overview"))
    context = response.context
    assert context["total"] == 26
    assert {level: n for level, _label, n in context["levels"]}[Level.OVERDUE] == 26
    assert context["actions_total"] == 52 and len(context["actions_due"]) == 20
    assert sum(n for _s, _label, n in context["dialogue_counts"]) == 26
    assert sum(n for _s, _label, n in context["hotspot_counts"]) == 26
    assert len(context["quotas"]) == 3
    assert context["unread_notifications"] == 13
    assert 'data-testid="unread-count">13<' in response.content.decode()


def test_the_overview_names_the_worst_overdue_cases(client, org):
    with time_machine.travel(at("2026-01-05"), tick=False):
        petition = make_petition(org.commune, title="Đường ngõ 5 xuống cấp")
    with time_machine.travel(at("2026-03-02"), tick=False):
        client.force_login(org.head)
        response = client.get(reverse("oversight:overview"))
    assert response.context["worst_cases"][0].petition == petition
    assert "Đường ngõ 5 xuống cấp" in response.content.decode()


# --- Inspectors' workspace ---------------------------------------------------------------------------


def test_the_queue_lists_overdue_cases_and_exports_them(client, april):
    Deadline.objects.filter(petition=april.p2, closed_at__isnull=True).update(level=Level.LONG_OVERDUE)
    client.force_login(april.org.inspector)
    response = client.get(reverse("oversight:queue"))
    assert [d.petition for d in response.context["page"]] == [april.p2]
    xlsx = client.get(reverse("oversight:queue_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == april.p2.tracking_code
    csv = b"".join(client.get(reverse("oversight:queue_export", args=["csv"])).streaming_content).decode()
    assert april.p2.tracking_code in csv
    assert "Nguyễn Văn An" not in csv  # no petitioner identity
    assert client.get(reverse("oversight:queue_export", args=["pdf"])).status_code == 404


def test_exports_keep_formulas_as_text(client, org):
    petition = make_petition(org.commune, title='=HYPERLINK("http://x")')
    Deadline.objects.filter(petition=petition).update(level=Level.OVERDUE)
    client.force_login(org.inspector)
    csv = b"".join(client.get(reverse("oversight:queue_export", args=["csv"])).streaming_content).decode()
    assert "'=HYPERLINK" in csv


def test_a_case_shows_its_escalation_history(client, april):
    from deadlines.models import Escalation

    deadline = Deadline.objects.get(petition=april.p2, rule__code="reflection.reply")
    Escalation.objects.create(deadline=deadline, level=Level.OVERDUE)
    client.force_login(april.org.inspector)
    response = client.get(reverse("oversight:case", args=[april.p2.pk]))
    assert response.status_code == 200
    assert 'data-testid="escalations"' in response.content.decode()
    client.force_login(april.org.outsider)
    assert client.get(reverse("oversight:case", args=[april.p2.pk])).status_code == 403


def test_the_audit_log_lists_actions_and_every_identity_reveal_without_the_identity(client, org):
    petition = make_petition(org.commune, kind=Kind.DENUNCIATION, full_name="Lê Thị Bí Mật")
    services.petitioner_reveal(petition=petition, actor=org.head, reason="Cần xác minh nhân thân")
    client.force_login(org.inspector)
    response = client.get(reverse("oversight:audit"), {"what": "reveals"})
    html = response.content.decode()
    assert "Cần xác minh nhân thân" in html
    assert "Lê Thị Bí Mật" not in html and "001085012345" not in html
    visit = reception_services.visit_record(
        unit=org.commune,
        recorded_by=org.reception,
        visitor=reception_services.VisitorData(full_name="Đỗ Văn Kín", id_number="001085033333"),
        content="Tố cáo cán bộ địa chính",
        petition_kind=Kind.DENUNCIATION,
    )
    reception_services.visit_identity_reveal(visit=visit, actor=org.head, reason="Đối chiếu hồ sơ")
    response = client.get(reverse("oversight:audit"), {"what": "visit_reveals"})
    html = response.content.decode()
    assert "Đối chiếu hồ sơ" in html and "Đỗ Văn Kín" not in html and "001085033333" not in html
    response = client.get(reverse("oversight:audit"), {"what": "history", "code": petition.tracking_code})
    assert len(response.context["page"]) == 1
    response = client.get(reverse("oversight:audit"), {"date_from": "01/02/2026", "date_to": "01/01/2026"})
    assert response.status_code == 200 and response.context["form"].errors


# --- Findings ---------------------------------------------------------------------------------------


def test_an_inspector_records_a_finding_and_the_head_remedies_it(client, org, remedy_rule):
    petition = make_petition(org.commune)
    client.force_login(org.inspector)
    due_date = datetime.date.today() + datetime.timedelta(days=20)
    due = due_date.strftime("%d/%m/%Y")
    data = {
        "kind": "shortcoming",
        "title": "Chậm thụ lý",
        "description": "Quá hạn",
        "responsibility": "Chủ tịch phường",
        "remedy_required": "Thụ lý ngay",
        "remedy_due": due,
    }
    response = client.post(reverse("oversight:finding_create", args=[petition.pk]), data)
    finding = Finding.objects.get()
    assert response.status_code == 302
    assert finding.head == org.head and finding.remedy_due == due_date
    deadline = Deadline.objects.get(subject_id=finding.pk, rule=remedy_rule)
    assert deadline.owner == org.head and deadline.due_date == due_date and deadline.petition is None

    client.force_login(org.head)
    overview = client.get(reverse("oversight:overview"))
    assert [d.pk for d in overview.context["subject_deadlines"]] == [deadline.pk]  # the head sees it to do
    assert client.post(reverse("oversight:finding", args=[finding.pk]), {"note": "  "}).status_code == 400
    response = client.post(reverse("oversight:finding", args=[finding.pk]), {"note": "Đã thụ lý"})
    assert response.status_code == 302
    finding.refresh_from_db()
    deadline.refresh_from_db()
    assert finding.status == FindingStatus.REMEDIED and deadline.closed_as == Deadline.ClosedAs.MET
    assert list(FindingHistory.objects.values_list("action", flat=True)) == ["record", "remedy"]


def test_a_finding_needs_a_future_remedy_date(client, org, remedy_rule):
    petition = make_petition(org.commune)
    client.force_login(org.inspector)
    response = client.post(
        reverse("oversight:finding_create", args=[petition.pk]),
        {
            "kind": "violation",
            "title": "x",
            "description": "x",
            "responsibility": "x",
            "remedy_required": "x",
            "remedy_due": "01/01/2020",
        },
    )
    assert response.status_code == 400 and not Finding.objects.exists()


def test_a_head_cannot_record_findings(client, org, remedy_rule):
    petition = make_petition(org.commune)
    client.force_login(org.head)
    assert client.get(reverse("oversight:finding_create", args=[petition.pk])).status_code == 403


# --- Reports --------------------------------------------------------------------------------------


def test_a_report_is_built_with_progress_and_downloaded(client, april):
    client.force_login(april.org.city_head)
    page = _get(client, "oversight:reports", unit="hn", period="2026-Q1")
    assert page.status_code == 200 and 'data-testid="report-table"' in page.content.decode()
    job = ReportJob.objects.create(
        requested_by=april.org.city_head, unit=april.org.city, period="2026-Q1", format="xlsx"
    )
    status = client.get(reverse("oversight:report_status", args=[job.pk])).json()
    assert status == {"status": "pending", "status_label": "Đang chờ", "progress": 0, "download": None}
    assert client.get(reverse("oversight:report_job", args=[job.pk]))["Refresh"] == "3"  # works without JS
    oversight_services.report_build(job=job)
    status = client.get(reverse("oversight:report_status", args=[job.pk])).json()
    assert status["progress"] == 100 and status["download"]
    download = client.get(status["download"])
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[2:]] == ["hn", "ba-dinh", "hoan-kiem", "so-tnmt"]
    client.force_login(april.org.inspector)  # someone else's job
    assert client.get(reverse("oversight:report_download", args=[job.pk])).status_code == 404


def test_requesting_a_report_queues_the_task(client, april, django_capture_on_commit_callbacks, monkeypatch):
    from oversight import tasks

    ran = []
    monkeypatch.setattr(tasks.build_report, "delay", lambda job_id: ran.append(job_id))
    client.force_login(april.org.city_head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("oversight:report_request") + "?unit=hn&period=2026-Q1", {"format": "csv"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and ran == [str(job.pk)]


# --- Public statistics -----------------------------------------------------------------------------


def test_the_public_page_never_shows_a_unit_below_the_minimum(client, april, settings):
    settings.PUBLIC_STATS_MIN_COUNT = 2
    cache.clear()
    client.logout()
    response = client.get(reverse("oversight:public_statistics"), {"period": "2026"})
    names = [row["unit"] for row in response.context["rows"]]
    assert names == ["Phường Ba Đình"]  # 5 petitions; Hoàn Kiếm has 1
    assert "Phường Hoàn Kiếm" not in response.content.decode()
    assert "/thong-ke/" in client.get("/").content.decode()


def test_the_public_page_is_served_from_the_cache(client, april, django_assert_max_num_queries):
    cache.clear()
    client.get(reverse("oversight:public_statistics"), {"period": "2026"})
    with django_assert_max_num_queries(2):  # the session at most; no statistics query
        client.get(reverse("oversight:public_statistics"), {"period": "2026"})


def test_the_public_page_survives_a_bad_period(client, db):
    response = client.get(reverse("oversight:public_statistics"), {"period": "xyz"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("oversight:comparison", {"unit": "hn", "period": "2026-Q1"}),
        ("oversight:charts", {"unit": "hn", "period": "2026-Q1"}),
        ("oversight:reports", {"unit": "hn", "period": "2026-Q1"}),
        ("oversight:cases", {"unit": "ba-dinh", "period": "2026-Q1", "figure": "handled", "head": "unit"}),
        ("oversight:cases", {"unit": "ba-dinh", "period": "2026-Q1", "figure": "received", "head": "unit"}),
        ("oversight:cases", {"unit": "ba-dinh", "period": "2026-Q1", "figure": "findings", "head": "unit"}),
        ("oversight:cases", {"unit": "ba-dinh", "period": "2026-Q1", "figure": "written_answers_due", "head": "unit"}),
        ("oversight:queue", {"level": "2"}),
        ("oversight:findings", {}),
        ("oversight:audit", {"what": "history"}),
        ("oversight:audit", {"what": "reveals"}),
        ("oversight:audit", {"what": "visit_reveals"}),
        ("oversight:cases", {"unit": "ba-dinh", "period": "2026-Q1", "figure": "dialogues_held", "head": "unit"}),
        ("oversight:cases", {"unit": "ba-dinh", "period": "2026-Q1", "figure": "hotspots_open", "head": "unit"}),
    ],
)
def test_list_pages_have_bounded_queries(client, april, django_assert_max_num_queries, name, params):
    Deadline.objects.filter(petition__isnull=False, closed_at__isnull=True).update(level=Level.OVERDUE)
    client.force_login(april.org.inspector)
    with django_assert_max_num_queries(14 + len(SOURCES)):
        response = client.get(reverse(name), params)
    assert response.status_code == 200
