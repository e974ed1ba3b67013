"""`make bench`: seed a city, time the sweep against plain SQL, time every hot page, then load-test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal make bench
    make bench BENCH_ARGS="--petitions 20000 --compare 0"      # a quick run

For each size (--petitions, default 1,000,000, and --compare, default 20,000, for how cost grows) in a
database of its own (--database, default `portal_bench`, suffixed with the size; dropped and
recreated unless --reuse), each phase in a child process with DEBUG off:

1. seed: migrate, then seed_city (set-based; target under 3 minutes for a million);
2. sweep: a plain-SQL statement chain of the sweep's shape (UPDATE … RETURNING → escalations → one
   digest per recipient, no Python in between), undone, then the first sweep and its rerun;
3. pages: server time (Django's test client in-process, no network) p50/p95 over repeated requests,
   and the query count, for the staff and public pages;
4. load: gunicorn (--workers) on 127.0.0.1 only, a Celery worker draining the e-mail outbox, and
   locust headless for --load-seconds: tracking lookups and filings per second, p95.

Prints one table per size, and the two sizes side by side; writes var/bench-<size>.json.
"""

import argparse
import contextlib
import csv
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from .seed_city import BENCH_KEY, SAMPLE_KEYS, insert_select, seed_city, tracking_code

REPEAT = 15
UNLIMITED = "100000000/m"
TARGETS_MS = {"list": 150, "detail": 100, "tracking": 50, "oversight": 1000}


class Command(BaseCommand):
    help = "Seed a city in separate PostgreSQL databases; time the sweep, the hot pages and a load test."

    def add_arguments(self, parser):
        parser.add_argument("--petitions", type=int, default=1_000_000)
        parser.add_argument("--compare", type=int, default=20_000, help="a second, small size (0: none)")
        parser.add_argument("--database", default="portal_bench")
        parser.add_argument("--chunk", type=int, default=5000)
        parser.add_argument("--reuse", action="store_true", help="keep already seeded bench databases")
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument("--only-sweep", action="store_true", help="seed and sweep only (bench_sweep)")
        parser.add_argument("--workers", type=int, default=3)
        parser.add_argument("--users", type=int, default=24)
        parser.add_argument("--load-seconds", type=int, default=30)
        parser.add_argument("--phase", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["phase"]:
            return self.child(options)
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/anydb")
        sizes = [n for n in (options["compare"], options["petitions"]) if n]
        sizes = sorted(set(sizes))
        results = {}
        for size in sizes:
            name = f"{options['database']}_{size}"
            db_url = urlunsplit(urlsplit(url)._replace(path="/" + name))
            results[size] = self.bench_size(size, name, db_url, options)
            Path(settings.BASE_DIR, "var").mkdir(exist_ok=True)
            Path(settings.BASE_DIR, "var", f"bench-{size}.json").write_text(json.dumps(results[size], indent=1))
            self.stdout.write(self.table(size, results[size]))
        if len(sizes) > 1:
            self.stdout.write(self.comparison(results))

    # -- parent --------------------------------------------------------------------------------

    def bench_size(self, size, name, db_url, options):
        result = {"petitions": size, "machine": machine()}
        if not (options["reuse"] and database_exists(name)):
            recreate_database(name)
            self.stdout.write(f"Seeding {size:,} petitions in {name} …")
            result["seed"] = self.run_child(db_url, "seed", options, size)
        result["chain"] = self.run_child(db_url, "chain", options, size)
        self.run_child(db_url, "reset", options, size)
        result["first"] = self.run_child(db_url, "sweep", options, size)
        result["rerun"] = self.run_child(db_url, "sweep", options, size)
        if options["only_sweep"]:
            return result
        result["pages"] = self.run_child(db_url, "pages", options, size)
        if not options["skip_load"]:
            result["load"] = self.load_test(db_url, options)
        return result

    def child_env(self, db_url):
        return {
            **os.environ,
            "DATABASE_URL": db_url,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "False",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # One client address makes every request of the benchmark: the limits would measure themselves.
            "RATE_LIMIT_PETITION_CREATE": UNLIMITED,
            "RATE_LIMIT_TRACK": UNLIMITED,
            "RATE_LIMIT_TRACK_CODE": UNLIMITED,
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            # A broker of its own (BENCH_REDIS_URL), or the bench's worker takes other processes' tasks.
            **({"REDIS_URL": os.environ["BENCH_REDIS_URL"]} if os.environ.get("BENCH_REDIS_URL") else {}),
        }

    def run_child(self, db_url, phase, options, size):
        args = [sys.executable, "manage.py", "bench", "--phase", phase, "--petitions", str(size)]
        args += ["--chunk", str(options["chunk"])]
        done = subprocess.run(  # noqa: S603
            args, env=self.child_env(db_url), cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise CommandError(f"{phase} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def load_test(self, db_url, options):
        env = {**self.child_env(db_url), "BENCH_SAMPLE": str(SAMPLE_KEYS), "BENCH_KEY": BENCH_KEY}
        port = free_port()
        bin_dir = Path(sys.executable).parent
        base = settings.BASE_DIR
        logs = Path(base, "var")
        web = subprocess.Popen(  # noqa: S603
            [str(bin_dir / "gunicorn"), "config.wsgi", "-w", str(options["workers"]), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning"],
            env=env, cwd=base, stdout=subprocess.DEVNULL, stderr=open(logs / "bench-gunicorn.log", "w"),  # noqa: SIM115
            start_new_session=True,
        )  # fmt: skip
        worker = subprocess.Popen(  # noqa: S603
            [str(bin_dir / "celery"), "-A", "config", "worker", "-c", "1", "--loglevel", "WARNING", "-n",
             f"bench-{port}@%h"],
            env=env, cwd=base, stdout=subprocess.DEVNULL, stderr=open(logs / "bench-celery.log", "w"),  # noqa: SIM115
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_for_port(port)
            prefix = logs / f"bench-locust-{port}"
            users = str(options["users"])
            subprocess.run(  # noqa: S603
                [str(bin_dir / "locust"), "-f", str(Path(base, "scripts", "locustfile.py")), "--headless",
                 "-u", users, "-r", users, "-t", f"{options['load_seconds']}s", "--host", f"http://127.0.0.1:{port}",
                 "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                env=env, cwd=base, capture_output=True, check=False, timeout=options["load_seconds"] + 120,
            )  # fmt: skip
            stats = read_locust(Path(f"{prefix}_stats.csv"))
            drained_in = self.wait_for_outbox(db_url)
        finally:
            for process in (web, worker):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
            for process in (web, worker):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        return {**stats, "outbox_drained_s": drained_in, "workers": options["workers"], "users": options["users"]}

    def wait_for_outbox(self, db_url, limit=120):
        """Seconds after the load until the worker has sent every pending e-mail (None: not within limit)."""
        started = time.monotonic()
        import psycopg2

        with contextlib.closing(psycopg2.connect(db_url)) as conn:
            conn.autocommit = True
            while time.monotonic() - started < limit:
                with conn.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM core_notification WHERE email_status = 'pending'")
                    if cursor.fetchone()[0] == 0:
                        return round(time.monotonic() - started, 1)
                time.sleep(1)
        return None

    # -- report --------------------------------------------------------------------------------

    def table(self, size, r):
        out = ["", f"== {size:,} petitions ==  ({r['machine']}; shared machine: figures may be pessimistic)"]
        if "seed" in r:
            seed = r["seed"]
            out.append(f"seed: {seed['seconds']:.1f} s (target ≤ 180 at 1,000,000)   " + ", ".join(
                f"{k} {v:,}" for k, v in seed["rows"].items()))  # fmt: skip
            if seed.get("steps"):
                out.append("  seed steps (s): " + ", ".join(f"{k} {v}" for k, v in seed["steps"].items()))
        first, chain, rerun = r["first"], r["chain"], r["rerun"]
        ratio = first["seconds"] / max(chain["seconds"], 1e-6)
        out += [
            f"{'sweep':<44}{'seconds':>10}{'rows':>12}{'digests':>10}",
            f"{'  plain-SQL chain (same shape)':<44}{chain['seconds']:>10.2f}{chain['rows']:>12,}"
            f"{chain['notifications']:>10,}",
            f"{'  first sweep':<44}{first['seconds']:>10.2f}{first['rows']:>12,}{first['notifications']:>10,}",
            f"{'  first / chain (target ≤ 1.5, ≤ 15 s)':<44}{ratio:>10.2f}",
            f"{'  immediate rerun':<44}{rerun['seconds']:>10.3f}",
            f"{'  sweep peak RSS (MB)':<44}{first['peak_rss_kb'] / 1024:>10.0f}",
        ]
        if "pages" in r:
            out.append(f"{'page (server time)':<44}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}{'target ms':>11}")
            for row in r["pages"]["rows"]:
                target = f"{row['target']:>11}" if row.get("target") else ""
                if row.get("error"):
                    out.append(f"  {row['name']:<42}{row['error']}")
                    continue
                out.append(f"  {row['name']:<42}{row['p50']:>10.1f}{row['p95']:>10.1f}{row['queries']:>9}{target}")
            for line in r["pages"].get("extra", []):
                out.append(f"  {line}")
        if "load" in r:
            load = r["load"]
            out.append(f"load: gunicorn {load['workers']} workers, {load['users']} locust users, 127.0.0.1")
            for name, target in (("tracking lookup", 300), ("online filing", 100)):
                s = load.get(name)
                if s:
                    out.append(f"  {name:<42}{s['rps']:>8.1f} req/s  p95 {s['p95']:>6.0f} ms  "
                               f"failures {s['failures']}  (target ≥ {target} req/s)")  # fmt: skip
            out.append(f"  outbox drained {load['outbox_drained_s']} s after the load")
        return "\n".join(out)

    def comparison(self, results):
        small, big = sorted(results)
        out = ["", f"== how cost grows: {small:,} → {big:,} petitions (p95 ms, queries) =="]
        rows_small = {row["name"]: row for row in results[small].get("pages", {}).get("rows", [])}
        for row in results[big].get("pages", {}).get("rows", []):
            other = rows_small.get(row["name"])
            if other and "p95" in row and "p95" in other:
                out.append(f"  {row['name']:<42}{other['p95']:>9.1f} → {row['p95']:>8.1f}"
                           f"   queries {other['queries']} → {row['queries']}")  # fmt: skip
        for key in ("chain", "first"):
            out.append(
                f"  sweep {key:<36}{results[small][key]['seconds']:>9.2f} → {results[big][key]['seconds']:>8.2f} s"
            )
        return "\n".join(out)

    # -- children ------------------------------------------------------------------------------

    def child(self, options):
        phase = options["phase"]
        if phase == "seed":
            call_command("migrate", verbosity=0)
            result = seed_city(options["petitions"])
            result = {"seconds": result["seconds"], "rows": result["rows"], "steps": result["steps"]}
        elif phase == "chain":
            result = plain_sql_chain()
        elif phase == "reset":
            result = reset_sweep()
        elif phase == "sweep":
            result = timed_sweep(options["chunk"])
        elif phase == "pages":
            from ..bench_pages import bench_pages

            result = bench_pages()
        else:
            raise CommandError(f"unknown phase {phase}")
        result["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.stdout.write(json.dumps(result, default=str))


def machine() -> str:
    cpus = os.cpu_count()
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))  # noqa: SIM115
    except (OSError, StopIteration):
        model = "unknown CPU"
    try:
        mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))  # noqa: SIM115
        mem = f"{mem_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        mem = ""
    with connection._nodb_cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"{cpus} cores {model}, {mem}, PostgreSQL {version}"


def database_exists(name) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def recreate_database(name):
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=60):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise CommandError("gunicorn did not start (see var/bench-gunicorn.log)")


def read_locust(path: Path) -> dict:
    stats = {}
    if not path.exists():
        return stats
    with path.open() as f:
        for row in csv.DictReader(f):
            if row["Name"] in ("tracking lookup", "online filing"):
                stats[row["Name"]] = {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"] or 0),
                    "p95": float(row["95%"] or 0),
                }
    return stats


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary(times_ms) -> dict:
    return {"p50": statistics.median(times_ms), "p95": pct(times_ms, 95)}


# -- the sweep phases ------------------------------------------------------------------------------


def _counts() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE closed_at IS NULL), "
            "count(*) FILTER (WHERE closed_at IS NULL AND due_date < current_date) FROM deadlines_deadline"
        )
        open_count, overdue = cursor.fetchone()
    return {"open": open_count, "overdue": overdue}


def plain_sql_chain() -> dict:
    """The sweep's work as one statement: raise every level, insert the escalations, one digest each.

    No Python in between, no chunks, no locks skipped: the floor the sweep is measured against.
    """
    from core.models import Notification
    from deadlines.models import Escalation

    escalation_insert = _insert_sql(
        Escalation, {"deadline_id": "r.id", "level": "lv", "round": "r.extensions", "created_at": "now()"}
    )
    notification_insert = _insert_sql(
        Notification,
        {
            "recipient_id": "uid",
            "title": "'Deadlines: ' || count(*) || ' cases need attention'",
            "body": "''",
            "url": "''",
            "created_at": "now()",
            "email_status": "'pending'",
            "email_attempts": "0",
            "digest_key": "'chain'",
            "items": "jsonb_agg(jsonb_build_array(id, new_level))",
        },
    )
    # The sweep's own "today" (the portal's time zone), not the database's current_date (UTC).
    today = f"DATE '{timezone.localdate().isoformat()}'"
    target = (
        f"CASE WHEN d.long_overdue_after < {today} THEN 3 WHEN d.due_date < {today} THEN 2 "
        f"WHEN d.due_soon_from <= {today} THEN 1 ELSE 0 END"
    )
    sql = f"""
        WITH targets AS (
            SELECT d.id, d.level AS old_level, {target} AS new_level FROM deadlines_deadline d
            WHERE d.closed_at IS NULL AND d.paused_at IS NULL AND d.due_soon_from <= {today}
        ), raised AS (
            UPDATE deadlines_deadline d SET level = t.new_level FROM targets t
            WHERE d.id = t.id AND d.level < t.new_level
            RETURNING d.id, d.unit_id, d.petition_id, d.owner_id, d.extensions, t.old_level, t.new_level
        ), esc AS (
            {escalation_insert} FROM raised r, generate_series(r.old_level + 1, r.new_level) AS lv
            ON CONFLICT DO NOTHING RETURNING 1
        ), first_line AS (
            SELECT r.*, COALESCE(p.handler_id, r.owner_id) AS first_id, u.parent_id, u.path
            FROM raised r LEFT JOIN petitions_petition p ON p.id = r.petition_id JOIN core_unit u ON u.id = r.unit_id
        ), told AS (
            SELECT first_id AS uid, id, new_level FROM first_line WHERE first_id IS NOT NULL
            UNION SELECT m.user_id, f.id, f.new_level FROM first_line f
                JOIN core_membership m ON m.unit_id = f.unit_id AND m.role = 'reception' WHERE f.first_id IS NULL
            UNION SELECT t.user_id, f.id, f.new_level FROM first_line f
                JOIN core_unitheadterm t ON t.unit_id = f.unit_id AND t.ended_on IS NULL WHERE f.new_level >= 2
            UNION SELECT t.user_id, f.id, f.new_level FROM first_line f
                JOIN core_unitheadterm t ON t.unit_id = f.parent_id AND t.ended_on IS NULL WHERE f.new_level = 3
            UNION SELECT m.user_id, f.id, f.new_level FROM first_line f
                JOIN core_membership m ON m.role = 'inspector' JOIN core_unit iu ON iu.id = m.unit_id
                WHERE f.new_level = 3 AND f.path LIKE iu.path || '%%'
        ), digests AS (
            {notification_insert} FROM told GROUP BY uid RETURNING 1
        )
        SELECT (SELECT count(*) FROM raised), (SELECT count(*) FROM esc), (SELECT count(*) FROM digests)
    """  # noqa: S608 - generated from the models, no user input
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(sql, [])
        raised, escalations, digests = cursor.fetchone()
    return {"seconds": time.monotonic() - started, "rows": raised, "escalations": escalations,
            "notifications": digests, **_counts()}  # fmt: skip


def _insert_sql(model, values: dict[str, str]) -> str:
    from .seed_city import required_columns

    columns = {**required_columns(model), **values}
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(columns.values())}"


def reset_sweep() -> dict:
    """Undo the chain, so the sweep starts from the seeded state."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE deadlines_deadline SET level = 0 WHERE level > 0")
        cursor.execute("TRUNCATE deadlines_escalation, deadlines_sweeprun")
        cursor.execute("DELETE FROM core_notification")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE deadlines_deadline")
        cursor.execute("VACUUM ANALYZE core_notification")
        cursor.execute("VACUUM ANALYZE petitions_petitionalert")
    return {}


def timed_sweep(chunk: int) -> dict:
    from core.models import Notification
    from deadlines.services_sweep import deadlines_sweep

    before = Notification.objects.count()
    started = time.monotonic()
    counts = deadlines_sweep(chunk=chunk)
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM deadlines_escalation")
        escalations = cursor.fetchone()[0]
    return {
        "seconds": seconds,
        "rows": sum(counts.values()),
        "escalations": escalations,
        "levels": {str(k): v for k, v in counts.items()},
        "notifications": Notification.objects.count() - before,
        **_counts(),
    }


__all__ = ["Command", "insert_select", "tracking_code"]
