"""seed_city (what `make bench` measures on) makes a consistent city, and leaves the connection as it was."""

import pytest
from django.db import connection

from deadlines.management.commands.seed_city import BENCH_KEY, seed_city, tracking_code
from deadlines.models import Deadline
from deadlines.services_sweep import deadlines_sweep
from petitions import selectors
from petitions.models import Petition, PetitionHistory
from petitions.workflow import Status

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="seed_city is PostgreSQL-only, as CI runs it"),
    # Committed data: the seed loads through two connections at once.
    pytest.mark.django_db(transaction=True),
]


def _one(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_seed_city_makes_a_consistent_city_that_the_sweep_and_tracking_work_on(rules, frequencies):
    result = seed_city(3000)

    assert result["rows"]["petitions"] == Petition.objects.count() == 3000
    assert not Petition.objects.filter(petitioner__isnull=True).exists()
    # Ids follow the order of receipt, as in a table that grew over three years.
    assert (
        _one(
            "SELECT count(*) FROM (SELECT received_at < lag(received_at) OVER (ORDER BY id) AS back "
            "FROM petitions_petition) x WHERE back"
        )
        == 0
    )
    # Every petition was received, and a closed one went through acceptance to its closing.
    assert PetitionHistory.objects.filter(action="receive").count() == 3000
    closed = Petition.objects.filter(status=Status.CLOSED)
    assert closed.exists()
    assert PetitionHistory.objects.filter(petition__in=closed, action="close").count() == closed.count()
    assert not closed.exclude(history__action="accept").exists()
    # A petition still waiting for acceptance has its processing clock open, nothing else does.
    waiting = Petition.objects.filter(status=Status.RECEIVED)
    assert Deadline.objects.filter(petition__in=waiting, closed_at__isnull=True).count() == waiting.count()
    # The sample's access key works, the triggers and foreign keys are on again for this connection.
    assert selectors.petition_track(code=tracking_code(1), key=BENCH_KEY) is not None
    assert _one("SHOW session_replication_role") == "origin"
    # The counts per unit and state the overview reads, rebuilt after the trigger-less load.
    assert (
        _one(
            "SELECT count(*) FROM (SELECT unit_id, status, count(*) AS n FROM petitions_petition GROUP BY 1, 2) p "
            "FULL JOIN petitions_statuscount c USING (unit_id, status) WHERE p.n IS DISTINCT FROM c.n"
        )
        == 0
    )

    counts = deadlines_sweep()
    assert sum(counts.values()) > 0
    # The sweep raised levels through the trigger: each alert is its petition's worst open level.
    assert (
        _one(
            "SELECT count(*) FROM petitions_petition p "
            "LEFT JOIN petitions_petitionalert a ON a.petition_id = p.id "
            "WHERE COALESCE(a.level, 0) <> COALESCE((SELECT max(level) FROM deadlines_deadline d "
            "WHERE d.petition_id = p.id AND d.closed_at IS NULL), 0)"
        )
        == 0
    )
    assert _one("SELECT count(*) FROM petitions_petitionalert") > 0
