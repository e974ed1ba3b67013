"""The trails chained after the first round (issue 14: "history rows, identity reveals, escalations
and findings are chained"): the reception book's identity reveals, dialogue and hotspot events and
findings' history. verify_audit walks them and catches an edited, a deleted and a swapped row."""

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.audit import chain_hash, chained_models, verify_chain
from dialogues import hotspots as hotspot_services
from dialogues.models import DialogueEvent, HotspotEvent
from oversight.models import FindingHistory
from petitions.models import Kind
from reception import services as reception_services
from reception.models import VisitIdentityReveal
from reception.services import VisitorData


@pytest.fixture
def remedy_rule_for_security(rules):
    """The finding.remedy rule of oversight's data migration (a flushed database lacks it)."""
    import importlib

    from django.apps import apps

    from deadlines.models import DeadlineRule

    if not DeadlineRule.objects.filter(code="finding.remedy").exists():
        importlib.import_module("oversight.migrations.0002_finding_remedy_rule").seed(apps, None)
    return DeadlineRule.objects.get(code="finding.remedy")


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _problems(model):
    return [(p.pk, p.kind) for p in verify_chain(model)]


def _reveals(org, n=3):
    visit = reception_services.visit_record(
        unit=org.commune,
        recorded_by=org.reception,
        visitor=VisitorData(
            full_name="Quách Thị Tố", id_number="001077665544", phone="0987766554", address="3 Lý Nam Đế"
        ),
        content="Tố cáo cán bộ địa chính",
        petition_kind=Kind.DENUNCIATION,
    )
    for i in range(n):
        reception_services.visit_identity_reveal(visit=visit, actor=org.head, reason=f"Lý do {i}")
    return visit, list(VisitIdentityReveal.objects.filter(visit=visit).order_by("pk"))


def _hotspot(org):
    hotspot = hotspot_services.hotspot_flag(
        actor=org.head,
        unit=org.commune,
        title="Tụ tập đông người",
        reason="Nhiều hộ",
        risk_level="high",
        owner=org.head,
    )
    hotspot_services.hotspot_handle(hotspot=hotspot, actor=org.head, note="Đã tiếp đột xuất")
    hotspot_services.hotspot_close(hotspot=hotspot, actor=org.head, reason="Ổn định")
    return list(HotspotEvent.objects.filter(hotspot=hotspot).order_by("pk"))


def test_every_new_trail_is_walked_by_verify_audit():
    assert {DialogueEvent, HotspotEvent, FindingHistory, VisitIdentityReveal} <= set(chained_models())


def test_visit_identity_reveals_are_chained_and_an_edit_is_caught(org):
    visit, rows = _reveals(org)
    assert rows[0].prev_hash == ""
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.row_hash
    assert rows[2].row_hash == chain_hash(
        rows[1].row_hash, visit.pk, [getattr(rows[2], f) for f in VisitIdentityReveal.chain_fields]
    )
    call_command("verify_audit")
    # Someone rewrites the reason of a reveal to hide why the identity was looked at.
    _sql(f"UPDATE {VisitIdentityReveal._meta.db_table} SET reason = 'Kiểm tra' WHERE id = %s", [rows[1].pk])  # noqa: S608
    assert _problems(VisitIdentityReveal) == [(rows[1].pk, "altered")]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit")


def test_a_deleted_visit_reveal_is_caught(org):
    _visit, rows = _reveals(org)
    _sql(f"DELETE FROM {VisitIdentityReveal._meta.db_table} WHERE id = %s", [rows[1].pk])  # noqa: S608
    assert _problems(VisitIdentityReveal) == [(rows[2].pk, "deleted")]


def test_hotspot_events_are_chained_and_a_swapped_pair_is_caught(org):
    rows = _hotspot(org)
    assert [r.action for r in rows] == ["flag", "handle", "close"]
    assert _problems(HotspotEvent) == []
    # Swap the contents (and hashes) of the last two rows: the order of events is rewritten.
    first, second = rows[1], rows[2]
    table = HotspotEvent._meta.db_table
    columns = ["action", "from_status", "to_status", "actor_id", "reason", "created_at", "prev_hash", "row_hash"]
    for target, source in ((first, second), (second, first)):
        assignments = ", ".join(f"{c} = %s" for c in columns)
        _sql(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
            [getattr(source, c) for c in columns] + [target.pk],
        )
    assert (second.pk, "reordered") in _problems(HotspotEvent) or (first.pk, "deleted") in _problems(HotspotEvent)
    with pytest.raises(CommandError):
        call_command("verify_audit")


@pytest.mark.parametrize(
    ("migration", "model"),
    [
        ("reception.migrations.0005_audit_hash_chain", VisitIdentityReveal),
        ("oversight.migrations.0003_audit_hash_chain", FindingHistory),
    ],
)
def test_the_migrations_chain_the_rows_written_before(org, migration, model, remedy_rule_for_security):
    import importlib

    from django.apps import apps

    if model is VisitIdentityReveal:
        _reveals(org)
    else:
        from tests.oversight.test_integrity import _finding

        _finding(org)
    # As the rows were before chaining existed: no hashes.
    model._base_manager.update(prev_hash="", row_hash="")
    assert {kind for _pk, kind in _problems(model)} == {"unchained"}
    importlib.import_module(migration).backfill(apps, None)
    assert _problems(model) == []
