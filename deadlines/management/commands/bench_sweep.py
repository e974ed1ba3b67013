"""Benchmark of the overdue sweep on PostgreSQL (`make bench`; `make bench BENCH_ARGS="--petitions 20000"`).

Uses its own database (default `portal_bench`, next to the one DATABASE_URL names; it is dropped and
recreated unless --reuse). Seeds N petitions with INSERT ... SELECT generate_series: a third open,
a quarter of those overdue, each open one with a processing deadline (closed ones with a met one).
Then, each phase in a child process with DEBUG off:

1. baseline: the naive per-row loop (save() + create the escalation + one notification per
   recipient) over 10,000 overdue deadlines, timed, then undone in SQL;
2. the first sweep, timed, with the child's peak RSS;
3. the immediate rerun, timed.
"""

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

TARGETS = {"first": 30.0, "rerun": 1.0, "rss_mb": 300.0}
BASELINE_ROWS = 10_000


class Command(BaseCommand):
    help = "Seed N petitions in a separate PostgreSQL database and time the deadline sweep against a save() loop."

    def add_arguments(self, parser):
        parser.add_argument("--petitions", type=int, default=1_000_000)
        parser.add_argument("--database", default="portal_bench")
        parser.add_argument("--chunk", type=int, default=5000)
        parser.add_argument("--reuse", action="store_true", help="keep an already seeded bench database")
        parser.add_argument("--phase", choices=["seed", "baseline", "sweep"], help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["phase"]:
            return self.child(options)
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/anydb")
        parts = urlsplit(url)
        bench_url = urlunsplit(parts._replace(path="/" + options["database"]))
        if not options["reuse"]:
            self.recreate_database(options["database"])
            self.stdout.write(f"Seeding {options['petitions']:,} petitions in {options['database']} …")
            self.run_child(bench_url, "seed", options)
        baseline = self.run_child(bench_url, "baseline", options)
        first = self.run_child(bench_url, "sweep", options)
        rerun = self.run_child(bench_url, "sweep", options)
        peak_rss_mb = max(first["peak_rss_kb"], rerun["peak_rss_kb"]) / 1024
        self.report(options, baseline, first, rerun, peak_rss_mb)

    # -- parent --------------------------------------------------------------------------------

    def recreate_database(self, name):
        # The maintenance database, so the one DATABASE_URL names need not exist.
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()

    def run_child(self, url, phase, options):
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "False"}
        args = [sys.executable, "manage.py", "bench_sweep", "--phase", phase]
        args += ["--petitions", str(options["petitions"]), "--chunk", str(options["chunk"])]
        done = subprocess.run(args, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode:
            raise CommandError(f"{phase} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def report(self, options, baseline, first, rerun, peak_rss_mb):
        per_row_save = baseline["seconds"] / baseline["rows"]
        per_row_sweep = first["seconds"] / max(first["rows"], 1)
        lines = [
            "",
            f"Petitions: {options['petitions']:,}   open deadlines: {first['open']:,}   overdue: {first['overdue']:,}",
            f"{'measure':<44}{'value':>14}{'target':>12}",
            f"{'first sweep (s)':<44}{first['seconds']:>14.2f}{'≤ 30':>12}",
            f"{'  level changes (escalations)':<44}{first['rows']:>14,}",
            f"{'  notifications written':<44}{first['notifications']:>14,}",
            f"{'immediate rerun (s)':<44}{rerun['seconds']:>14.3f}{'≤ 1':>12}",
            f"{'sweep worker peak RSS (MB)':<44}{peak_rss_mb:>14.0f}{'≤ 300':>12}",
            f"{'baseline save() loop, 10,000 rows (s)':<44}{baseline['seconds']:>14.2f}",
            f"{'  per row: save loop / sweep (ms)':<44}{per_row_save * 1000:>7.3f} / {per_row_sweep * 1000:.3f}",
            f"{'  sweep is faster per row by':<44}{per_row_save / per_row_sweep:>13.0f}×",
        ]
        ok = (
            first["seconds"] <= TARGETS["first"]
            and rerun["seconds"] <= TARGETS["rerun"]
            and peak_rss_mb <= TARGETS["rss_mb"]
        )
        lines.append("All targets met." if ok else "Some targets missed.")
        self.stdout.write("\n".join(lines))

    # -- children ------------------------------------------------------------------------------

    def child(self, options):
        phase = options["phase"]
        if phase == "seed":
            call_command("migrate", verbosity=0)
            result = seed(options["petitions"])
        elif phase == "baseline":
            result = baseline_save_loop(BASELINE_ROWS)
        else:
            result = timed_sweep(options["chunk"])
        # The child's own peak resident set size (Linux reports kilobytes).
        result["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.stdout.write(json.dumps(result))


def seed(petitions: int) -> dict:
    """Units, staff and petitions in bulk SQL; no identity data (the sweep never reads it)."""
    from core import services as core_services
    from core.models import Membership, Role, User
    from deadlines.models import Deadline, DeadlineRule
    from petitions.models import Petition

    today = timezone.localdate()
    started = time.monotonic()
    with transaction.atomic():
        city = core_services.unit_create(name="Thành phố", code="bench-city", level="province")
        users = {}

        def staff(unit, role, name):
            user = User.objects.create(username=name, email=f"{name}@bench.test", full_name=name)
            if role == Role.HEAD:
                core_services.unit_head_assign(unit=unit, user=user, started_on=datetime.date(2025, 7, 1))
            else:
                Membership.objects.create(user=user, unit=unit, role=role)
            return user

        staff(city, Role.HEAD, "bench-city-head")
        staff(city, Role.INSPECTOR, "bench-inspector")
        communes = []
        for i in range(50):
            unit = core_services.unit_create(name=f"Xã {i}", code=f"bench-{i}", level="commune", parent=city)
            staff(unit, Role.HEAD, f"bench-head-{i}")
            staff(unit, Role.RECEPTION, f"bench-reception-{i}")
            users[unit.pk] = [staff(unit, Role.HANDLER, f"bench-handler-{i}-{j}").pk for j in range(4)]
            communes.append(unit.pk)
        rule = DeadlineRule.objects.get(code="petition.processing")
    unit_ids = "ARRAY[" + ",".join(map(str, communes)) + "]::bigint[]"
    handler_ids = "ARRAY[" + ",".join(str(users[u][j]) for u in communes for j in range(4)) + "]::bigint[]"
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        # i % 3 = 0: open (a third); of those, i % 4 = 0: overdue (a quarter). Open ones have a handler.
        columns = {
            **_other_required_columns(Petition, now="now()"),
            "tracking_code": "'B' || lpad(i::text, 10, '0')",
            "kind": "'complaint'",
            "channel": "'online'",
            "title": "'Bench'",
            "content": "'Bench'",
            "unit_id": f"({unit_ids})[1 + i %% 50]",
            "handler_id": f"CASE WHEN i %% 3 = 0 THEN ({handler_ids})[1 + (i / 3) %% 200] END",
            "status": "CASE WHEN i %% 3 = 0 THEN 'received' ELSE 'resolved' END",
            "received_at": "now() - make_interval(days => (i %% 60))",
        }
        cursor.execute(
            f"INSERT INTO petitions_petition ({', '.join(columns)}) "  # noqa: S608 - generated, no user input
            f"SELECT {', '.join(columns.values())} FROM generate_series(1, %s) AS i",
            [petitions],
        )
        # Due dates: overdue ones 1–40 days ago, the others 1–30 days ahead; due soon 4 days before,
        # long overdue 14 days after (the working-day arithmetic is not what is measured here).
        # The NOT NULL columns the benchmark does not care about get their defaults (the model grows).
        deadline_columns = {
            **_other_required_columns(Deadline, now="now()"),
            "petition_id": "p.id",
            "rule_id": "%(rule)s",
            "unit_id": "p.unit_id",
            "start_date": "d.due - 14",
            "due_date": "d.due",
            "due_soon_from": "d.due - 4",
            "long_overdue_after": "d.due + 14",
            "closed_at": "CASE WHEN p.status = 'received' THEN NULL ELSE now() END",
            "closed_as": "CASE WHEN p.status = 'received' THEN '' ELSE 'met' END",
        }
        cursor.execute(
            f"INSERT INTO deadlines_deadline ({', '.join(deadline_columns)}) "  # noqa: S608 - generated, no user input
            f"SELECT {', '.join(deadline_columns.values())} "
            """
            FROM petitions_petition p
            CROSS JOIN LATERAL (
                SELECT CASE
                    WHEN p.status <> 'received' THEN %(today)s::date - 30
                    WHEN (p.id / 3) %% 4 = 0 THEN %(today)s::date - (1 + p.id %% 40)::int
                    ELSE %(today)s::date + (1 + p.id %% 30)::int
                END AS due
            ) d
            """,
            {"rule": rule.pk, "today": today},
        )
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FILTER (WHERE closed_at IS NULL), count(*) FROM deadlines_deadline")
        open_count, total = cursor.fetchone()
    return {"seconds": time.monotonic() - started, "open": open_count, "deadlines": total}


def _other_required_columns(model, *, now: str) -> dict[str, str]:
    """SQL literals for the NOT NULL columns the benchmark does not care about (the model may grow)."""
    from django.db import models

    columns = {}
    for f in model._meta.concrete_fields:
        if f.null or f.primary_key:
            continue
        if isinstance(f, models.DateTimeField):
            columns[f.column] = now
        elif isinstance(f, models.BooleanField):
            columns[f.column] = "true" if f.default is True else "false"
        elif isinstance(f, models.IntegerField):
            columns[f.column] = str(f.default if isinstance(f.default, int) else 0)
        else:
            columns[f.column] = "''"
    return columns


def _counts(today) -> dict:
    from deadlines.models import Deadline

    open_deadlines = Deadline.objects.filter(closed_at__isnull=True)
    return {"open": open_deadlines.count(), "overdue": open_deadlines.filter(due_date__lt=today).count()}


def baseline_save_loop(rows: int) -> dict:
    """What the sweep replaces: one save() per row, one create per escalation and notification."""
    from core.models import Notification
    from deadlines.models import Deadline, Escalation, Level
    from deadlines.services_sweep import Recipients

    today = timezone.localdate()
    recipients = Recipients.load()
    ids = list(
        Deadline.objects.filter(closed_at__isnull=True, level__lt=Level.OVERDUE, due_date__lt=today)
        .order_by("id")
        .values_list("id", flat=True)[:rows]
    )
    started = time.monotonic()
    for deadline in Deadline.objects.filter(pk__in=ids).select_related("petition", "rule"):
        with transaction.atomic():
            deadline.level = Level.OVERDUE
            deadline.save()
            Escalation.objects.create(deadline=deadline, level=Level.OVERDUE, round=deadline.extensions)
            for user_id in recipients.for_level(
                Level.OVERDUE, unit_id=deadline.unit_id, first_line_id=deadline.petition.handler_id
            ):
                Notification.objects.create(
                    recipient_id=user_id, title=f"Petition {deadline.petition.tracking_code} is overdue"
                )
    seconds = time.monotonic() - started
    # Undo, so the sweep starts from the seeded state.
    with transaction.atomic():
        Escalation.objects.filter(deadline_id__in=ids).delete()
        Notification.objects.all().delete()
        Deadline.objects.filter(pk__in=ids).update(level=Level.NONE)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE deadlines_deadline")
    return {"seconds": seconds, "rows": len(ids)}


def timed_sweep(chunk: int) -> dict:
    from core.models import Notification
    from deadlines.services_sweep import deadlines_sweep

    today = timezone.localdate()
    before = Notification.objects.count()
    started = time.monotonic()
    counts = deadlines_sweep(today=today, chunk=chunk)
    seconds = time.monotonic() - started
    return {
        "seconds": seconds,
        "rows": sum(counts.values()),
        "levels": {str(k): v for k, v in counts.items()},
        "notifications": Notification.objects.count() - before,
        **_counts(today),
    }
