"""Dialogue events are chained by hash per dialogue (issue 14): a rewritten event shows."""

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.audit import verify_chain
from dialogues import services
from dialogues.models import DialogueEvent

from .conftest import held


def test_a_dialogues_events_are_chained_and_an_edit_or_deletion_is_caught(org, complaints):
    dialogue = held(org, complaints[:1])
    minutes = services.minutes_save(dialogue=dialogue, actor=org.head, attendees="Các bên")
    services.minutes_finalise(minutes=minutes, actor=org.head)
    rows = list(DialogueEvent.objects.filter(dialogue=dialogue).order_by("pk"))
    assert [r.action for r in rows] == ["schedule", "hold", "minutes_draft", "finalise"]
    assert all(after.prev_hash == before.row_hash for before, after in itertools.pairwise(rows))
    assert list(verify_chain(DialogueEvent, key=dialogue.pk)) == []
    table = DialogueEvent._meta.db_table
    with connection.cursor() as cursor:
        # Back-dating the hearing and deleting the draft step are both visible.
        cursor.execute(f"UPDATE {table} SET created_at = created_at - interval '3 days' WHERE id = %s", [rows[1].pk])  # noqa: S608
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [rows[2].pk])  # noqa: S608
    problems = [(p.pk, p.kind) for p in verify_chain(DialogueEvent)]
    assert problems == [(rows[1].pk, "altered"), (rows[3].pk, "deleted")]
    with pytest.raises(CommandError, match="2 problem"):
        call_command("verify_audit")
