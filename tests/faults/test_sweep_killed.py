"""Finding 7: a worker SIGKILLed mid-sweep. The broker hands the sweep out again after the
visibility timeout, a second worker finishes it, and the end state is that of one clean run."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from core.audit import verify_chain
from core.models import Notification
from deadlines.models import Deadline, Escalation, Level, SweepRun
from deadlines.services_sweep import deadlines_sweep
from deadlines.tasks import sweep_deadlines
from tests.factories import make_petition

ROOT = Path(__file__).resolve().parents[2]
PETITIONS = 150  # two deadlines each: 300 deadlines, three levels, 20 per chunk: 45 transactions


def _state():
    """Levels, escalations, and who was told of which deadline at which level (the sweep's digests: a
    killed run's cases come in the next run's separate digest, so the digests differ, what they tell not)."""
    told = Counter(
        (username, deadline_id, level)
        for username, items in Notification.objects.values_list("recipient__username", "items")
        for deadline_id, level in items
    )
    return (
        sorted(Deadline.objects.values_list("petition__tracking_code", "rule__code", "level")),
        sorted(Escalation.objects.values_list("deadline__petition__tracking_code", "deadline__rule__code", "level")),
        told,
    )


def _worker(redis_url: str, log: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL, as CI runs it")
@pytest.mark.django_db(transaction=True)
def test_a_sweep_killed_mid_run_is_redelivered_and_ends_as_one_clean_run(org, rules, private_redis, tmp_path):
    for _ in range(PETITIONS):
        make_petition(org.commune)
    long_ago = timezone.localdate().replace(year=2020)
    Deadline.objects.update(due_soon_from=long_ago, due_date=long_ago, long_overdue_after=long_ago)
    Notification.objects.all().delete()
    deadlines = Deadline.objects.count()

    log = tmp_path / "worker.log"
    first = _worker(private_redis.url, log)
    try:
        sweep_deadlines.apply_async(kwargs={"chunk": 20})
        # Kill the worker once some chunks are committed and others are not.
        assert _wait(lambda: Escalation.objects.count() >= 40, 60), log.read_text()
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    partial = Escalation.objects.count()
    assert 0 < partial < deadlines * 3, "the worker was not killed mid-sweep"

    # A new worker (the old one is dead, as after an OOM kill) restores the unacknowledged sweep
    # once the visibility timeout (3 s here) has passed, without any new message being sent.
    second = _worker(private_redis.url, log)
    try:
        assert _wait(lambda: Escalation.objects.count() == deadlines * 3, 60), log.read_text()
        # The digests are written after the last chunk: wait until no run is left undigested.
        assert _wait(lambda: not SweepRun.objects.filter(digested_at__isnull=True).exists(), 30), log.read_text()
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(second.pid, signal.SIGKILL)
    after_kill = _state()
    assert {level for _code, _rule, level in after_kill[0]} == {Level.LONG_OVERDUE}
    assert list(verify_chain(Escalation)) == []

    # One clean run on the same data gives the same state.
    Escalation.objects.all().delete()
    Notification.objects.all().delete()
    Deadline.objects.update(level=Level.NONE)
    deadlines_sweep()
    assert _state() == after_kill
