"""The inspectors see whether the audit trail was rewritten (issue 14): on a case's and a finding's
page (that record's chains re-hashed), on each row of the audit log, and for the whole trail in a
background check with a progress bar."""

import datetime

import time_machine
from django.db import connection
from django.urls import reverse

from core.audit import verify_chain
from oversight import integrity, tasks
from oversight import services as oversight_services
from oversight.models import AuditCheck, FindingHistory
from petitions import services
from petitions.models import PetitionHistory
from tests.factories import make_petition

from .conftest import at


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _case(org):
    petition = make_petition(org.commune, title="Đường ngõ 7 ngập nước")
    services.petition_accept(petition=petition, actor=org.reception)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    services.petition_note_add(petition=petition, actor=org.handler, text="Đã liên hệ")
    return petition, list(PetitionHistory.objects.filter(petition=petition).order_by("pk"))


def _finding(org, petition=None):
    with time_machine.travel(at("2026-01-06"), tick=False):
        finding = oversight_services.finding_record(
            actor=org.inspector,
            unit=org.commune,
            kind="violation",
            title="Không trả lời bằng văn bản",
            description="Sau buổi tiếp ngày 05/01.",
            responsibility="Người đứng đầu.",
            remedy_required="Trả lời công dân.",
            remedy_due=datetime.date(2026, 1, 20),
            petition=petition,
        )
        oversight_services.finding_remedy(actor=org.head, finding=finding, note="Đã trả lời")
    return finding


def test_the_case_page_shows_whether_its_trail_is_intact(client, org, django_assert_max_num_queries):
    petition, rows = _case(org)
    client.force_login(org.inspector)
    url = reverse("oversight:case", args=[petition.pk])
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.context["integrity"].intact
    assert 'data-intact="yes"' in response.text
    # An administrator with database access rewrites who accepted the case.
    _sql(f"UPDATE {PetitionHistory._meta.db_table} SET reason = 'đã sửa' WHERE id = %s", [rows[1].pk])  # noqa: S608
    response = client.get(url)
    assert not response.context["integrity"].intact
    assert 'data-intact="no"' in response.text
    assert f"{rows[1].pk}" in response.context["integrity"].describe()[0]
    assert "sửa sau khi ghi" in response.text  # the Vietnamese explanation of "altered"


def test_findings_history_is_chained_and_its_page_shows_a_deletion(client, org, remedy_rule):
    finding = _finding(org)
    first, second = FindingHistory.objects.filter(finding=finding).order_by("pk")
    assert first.prev_hash == "" and second.prev_hash == first.row_hash
    assert list(verify_chain(FindingHistory)) == []
    client.force_login(org.inspector)
    url = reverse("oversight:finding", args=[finding.pk])
    assert client.get(url).context["integrity"].intact
    _sql(f"DELETE FROM {FindingHistory._meta.db_table} WHERE id = %s", [first.pk])  # noqa: S608
    checked = client.get(url).context["integrity"]
    assert [(p.pk, p.kind) for p in checked.problems] == [(second.pk, "deleted")]


def test_the_audit_log_marks_the_altered_row_and_the_rest_of_its_record(client, org, django_assert_max_num_queries):
    _petition, rows = _case(org)
    _other, _other_rows = _case(org)
    _sql(f"UPDATE {PetitionHistory._meta.db_table} SET to_status = 'resolved' WHERE id = %s", [rows[1].pk])  # noqa: S608
    client.force_login(org.inspector)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("oversight:audit"), {"what": "history"})
    states = {row.pk: row.integrity for row in response.context["page"]}
    assert states[rows[1].pk] == "altered"
    assert states[rows[0].pk] == "record"  # the same case: its trail is no longer trustworthy
    assert {states[r.pk] for r in _other_rows} == {"ok"}
    assert 'data-testid="row-altered"' in response.text
    assert 'data-testid="audit-tampered"' in response.text


def test_the_whole_trail_check_runs_in_the_background_with_progress(client, org, remedy_rule):
    petition, rows = _case(org)
    _finding(org, petition)
    client.force_login(org.inspector)
    response = client.post(reverse("oversight:audit_check_start"))
    check = AuditCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("oversight:audit_check", args=[check.pk])
    page = client.get(response["Location"])
    assert page["Refresh"] == "3" and check.status == AuditCheck.Status.PENDING
    tasks.run_audit_check(str(check.pk))  # what the Celery worker runs after the commit
    status = client.get(reverse("oversight:audit_check_status", args=[check.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100 and status["problem_count"] == 0
    assert status["rows_checked"] == status["rows_total"] >= len(rows) + 2
    page = client.get(reverse("oversight:audit_check", args=[check.pk]))
    assert "Refresh" not in page and page.context["check"].intact
    # A swapped pair in a case history: the next check finds it and names the rows, never their content.
    a, b = rows[1], rows[2]
    columns = ["action", "from_status", "to_status", "actor_id", "reason", "is_public", "created_at"]
    table = PetitionHistory._meta.db_table
    for target, source in ((a, b), (b, a)):
        assignments = ", ".join(f"{c} = %s" for c in [*columns, "prev_hash", "row_hash"])
        values = [getattr(source, c) for c in columns] + [source.prev_hash, source.row_hash, target.pk]
        _sql(f"UPDATE {table} SET {assignments} WHERE id = %s", values)  # noqa: S608
    client.post(reverse("oversight:audit_check_start"))
    second = AuditCheck.objects.filter(status=AuditCheck.Status.PENDING).get()
    tasks.run_audit_check(str(second.pk))
    second.refresh_from_db()
    assert second.problem_count >= 1
    assert {p["table"] for p in second.problems} == {"petitions.PetitionHistory"}
    page = client.get(reverse("oversight:audit_check", args=[second.pk]))
    assert 'data-testid="audit-check-problems"' in page.text
    assert "Đã liên hệ" not in page.text  # identifiers only
    # The audit log links the last check.
    assert reverse("oversight:audit_check", args=[second.pk]) in client.get(reverse("oversight:audit")).text


def test_a_check_belongs_to_who_asked_and_others_cannot_start_one(client, org):
    check = integrity.audit_check_request(user=org.inspector)
    client.force_login(org.handler)
    assert client.get(reverse("oversight:audit_check", args=[check.pk])).status_code in (403, 404)
    assert client.post(reverse("oversight:audit_check_start")).status_code == 403
    client.force_login(org.inspector)
    assert client.get(reverse("oversight:audit_check_start")).status_code == 405


def test_progress_is_reported_while_a_long_chain_is_walked(org):
    _case(org)
    _case(org)
    seen = []
    list(verify_chain(PetitionHistory, chunk_size=2, progress=seen.append))
    assert seen and seen == sorted(seen) and seen[0] == 2
