"""The audit trails are chained by hash per record: verify_audit catches edits, deletions and swaps."""

import itertools
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from core.audit import chain_create, chain_hash, verify_chain
from deadlines.models import Escalation
from deadlines.services_sweep import deadlines_sweep
from petitions import services
from petitions.models import IdentityReveal, Kind, PetitionHistory
from tests.factories import make_petition


def _history(org):
    petition = make_petition(org.commune)
    services.petition_accept(petition=petition, actor=org.reception)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    services.petition_note_add(petition=petition, actor=org.handler, text="Đã liên hệ")
    return petition


def _problems(model):
    return [(p.pk, p.kind) for p in verify_chain(model)]


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_every_written_row_is_chained_to_the_one_before(org):
    petition = _history(org)
    rows = list(petition.history.order_by("pk"))
    assert len(rows) >= 4
    assert rows[0].prev_hash == ""
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.row_hash
    assert rows[1].row_hash == chain_hash(
        rows[0].row_hash, petition.pk, [getattr(rows[1], f) for f in PetitionHistory.chain_fields]
    )
    assert _problems(PetitionHistory) == []
    call_command("verify_audit")


def test_an_edited_row_is_caught(org):
    petition = _history(org)
    target = petition.history.order_by("pk")[1]
    _sql(f"UPDATE {PetitionHistory._meta.db_table} SET reason = 'đã sửa' WHERE id = %s", [target.pk])  # noqa: S608
    assert _problems(PetitionHistory) == [(target.pk, "altered")]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit")


def test_an_edit_that_also_recomputes_its_own_hash_breaks_the_next_link(org):
    petition = _history(org)
    rows = list(petition.history.order_by("pk"))
    forged = chain_hash(
        rows[1].prev_hash, petition.pk, ["accept", "received", "accepted", None, "x", True, rows[1].created_at]
    )
    _sql(
        f"UPDATE {PetitionHistory._meta.db_table} SET actor_id = NULL, reason = 'x', row_hash = %s WHERE id = %s",  # noqa: S608
        [forged, rows[1].pk],
    )
    assert (rows[2].pk, "deleted") in _problems(PetitionHistory)


def test_one_records_chain_can_be_checked_alone(org):
    tampered, intact = _history(org), _history(org)
    row = tampered.history.order_by("pk")[1]
    _sql(f"UPDATE {PetitionHistory._meta.db_table} SET reason = 'x' WHERE id = %s", [row.pk])  # noqa: S608
    assert list(verify_chain(PetitionHistory, key=intact.pk)) == []
    assert [p.pk for p in verify_chain(PetitionHistory, key=tampered.pk)] == [row.pk]


def test_a_deleted_row_is_caught(org):
    petition = _history(org)
    rows = list(petition.history.order_by("pk"))
    _sql(f"DELETE FROM {PetitionHistory._meta.db_table} WHERE id = %s", [rows[1].pk])  # noqa: S608
    assert _problems(PetitionHistory) == [(rows[2].pk, "deleted")]
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_a_swapped_pair_is_caught(org):
    petition = _history(org)
    a, b = list(petition.history.order_by("pk"))[1:3]
    # Swap the two rows' places in the trail (ids), keeping each row's content and hashes intact.
    table = PetitionHistory._meta.db_table
    _sql(f"UPDATE {table} SET id = -1 WHERE id = %s", [a.pk])  # noqa: S608
    _sql(f"UPDATE {table} SET id = %s WHERE id = %s", [a.pk, b.pk])  # noqa: S608
    _sql(f"UPDATE {table} SET id = %s WHERE id = -1", [b.pk])  # noqa: S608
    problems = _problems(PetitionHistory)
    assert problems and {kind for _pk, kind in problems} <= {"deleted", "reordered"}
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_swapped_timestamps_are_caught(org):
    petition = _history(org)
    a, b = list(petition.history.order_by("pk"))[1:3]
    table = PetitionHistory._meta.db_table
    _sql(f"UPDATE {table} SET created_at = %s WHERE id = %s", [b.created_at, a.pk])  # noqa: S608
    _sql(f"UPDATE {table} SET created_at = %s WHERE id = %s", [a.created_at, b.pk])  # noqa: S608
    assert {kind for _pk, kind in _problems(PetitionHistory)} == {"altered"}


def test_identity_reveals_are_chained(org):
    petition = make_petition(org.commune, kind=Kind.DENUNCIATION)
    services.petition_accept(petition=petition, actor=org.reception)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)
    services.petitioner_reveal(petition=petition, actor=org.handler, reason="Xác minh")
    services.petitioner_reveal(petition=petition, actor=org.head, reason="Kiểm tra")
    first, second = IdentityReveal.objects.order_by("pk")
    assert second.prev_hash == first.row_hash != ""
    assert _problems(IdentityReveal) == []
    _sql(f"UPDATE {IdentityReveal._meta.db_table} SET user_id = %s WHERE id = %s", [org.reception.pk, first.pk])  # noqa: S608
    assert _problems(IdentityReveal) == [(first.pk, "altered")]


def test_the_sweeps_set_based_insert_chains_escalations(org):
    petitions = [make_petition(org.commune) for _ in range(3)]
    long_ago = timezone.localdate().replace(year=2020)
    for p in petitions:
        p.deadlines.update(due_soon_from=long_ago, due_date=long_ago, long_overdue_after=long_ago)
    deadlines_sweep(chunk=2)
    rows = list(Escalation.objects.order_by("deadline_id", "pk"))
    assert len(rows) >= 9  # three levels per deadline
    assert _problems(Escalation) == []
    by_deadline = {}
    for row in rows:
        assert row.prev_hash == by_deadline.get(row.deadline_id, "")
        by_deadline[row.deadline_id] = row.row_hash
    _sql(f"UPDATE {Escalation._meta.db_table} SET round = 9 WHERE id = %s", [rows[-1].pk])  # noqa: S608
    assert _problems(Escalation) == [(rows[-1].pk, "altered")]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_one_record_do_not_fork_the_chain(org):
    petition = make_petition(org.commune)
    barrier = threading.Barrier(6)
    errors = []

    def write(n):
        try:
            barrier.wait()
            with transaction.atomic():
                chain_create(
                    PetitionHistory,
                    petition_id=petition.pk,
                    action="note",
                    from_status="received",
                    to_status="received",
                    reason=f"song song {n}",
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert petition.history.count() == 7
    assert _problems(PetitionHistory) == []


def test_a_row_written_around_the_chain_is_reported(org):
    petition = _history(org)
    _sql(
        f"INSERT INTO {PetitionHistory._meta.db_table} "  # noqa: S608
        "(petition_id, action, from_status, to_status, reason, is_public, created_at) "
        "VALUES (%s, 'note', 'accepted', 'accepted', '', false, now())",
        [petition.pk],
    )
    assert [kind for _pk, kind in _problems(PetitionHistory)] == ["unchained"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_keep_every_escalation_chain_intact(org):
    petitions = [make_petition(org.commune) for _ in range(40)]
    long_ago = timezone.localdate().replace(year=2020)
    for p in petitions:
        p.deadlines.update(due_soon_from=long_ago, due_date=long_ago, long_overdue_after=long_ago)
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait()
            deadlines_sweep(chunk=7)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Escalation.objects.count() == 3 * 2 * len(petitions)
    assert _problems(Escalation) == []
