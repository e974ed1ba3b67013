"""The overdue sweep: moves open deadlines through due soon → overdue → long overdue and escalates.

Set-based and crash-safe. Each chunk is one transaction that locks up to `chunk` rows still below
the level (FOR UPDATE SKIP LOCKED, so a concurrent sweep takes other rows), raises their level with
a conditional UPDATE, and writes their escalation rows. A sweep killed half-way leaves whole chunks
done or undone; the next run picks up exactly the rows still below the level. The unique constraint
on Escalation is the last line of defence against duplicates.

Notifications are one digest per recipient per run, written after the chunks (sweep_digest). The
run's escalations carry the run's start time, so the digest of a run killed before it could be
written is rebuilt from them by the next run: nothing is lost, nothing is told twice.
"""

import datetime
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import chain_create, chain_hash_sql
from core.models import Membership, Role, Unit, UnitHeadTerm
from core.notifications import notify_digests

from .models import Deadline, Escalation, Level, SweepRun

CHUNK = 5000
# The sweep step of each level: the stored date compared with today, and how.
THRESHOLDS = {
    Level.DUE_SOON: ("due_soon_from", "lte"),
    Level.OVERDUE: ("due_date", "lt"),
    Level.LONG_OVERDUE: ("long_overdue_after", "lt"),
}


@dataclass
class Recipients:
    """Who is told at each level, for every unit, loaded once per sweep (a handful of small queries)."""

    parent: dict[int, int | None] = field(default_factory=dict)
    path: dict[int, str] = field(default_factory=dict)
    head: dict[int, int] = field(default_factory=dict)
    reception: dict[int, list[int]] = field(default_factory=dict)
    inspectors: list[tuple[str, int]] = field(default_factory=list)
    _inspectors_of: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Recipients":
        recipients = cls()
        for pk, parent_id, path in Unit.objects.values_list("id", "parent_id", "path"):
            recipients.parent[pk], recipients.path[pk] = parent_id, path
        recipients.head = dict(
            UnitHeadTerm.objects.filter(ended_on__isnull=True, user__is_active=True).values_list("unit_id", "user_id")
        )
        reception = defaultdict(list)
        active = Membership.objects.filter(user__is_active=True)
        for unit_id, user_id in active.filter(role=Role.RECEPTION).values_list("unit_id", "user_id"):
            reception[unit_id].append(user_id)
        recipients.reception = dict(reception)
        recipients.inspectors = list(active.filter(role=Role.INSPECTOR).values_list("unit__path", "user_id"))
        return recipients

    def inspectors_of(self, unit_id: int) -> list[int]:
        """Inspectors whose unit is this unit or one of its ancestors."""
        if unit_id not in self._inspectors_of:
            path = self.path.get(unit_id, "")
            self._inspectors_of[unit_id] = [uid for ipath, uid in self.inspectors if path.startswith(ipath)]
        return self._inspectors_of[unit_id]

    def for_level(self, level: int, *, unit_id: int, first_line_id: int | None) -> set[int]:
        """Each level tells everyone of the earlier levels again, plus its own (domain.md, Deadlines):
        the handler (or the subject's owner, or the unit's reception staff) → the head of the unit →
        the head of the parent unit and the inspectors with jurisdiction."""
        people = {first_line_id} if first_line_id else set(self.reception.get(unit_id, ()))
        if level >= Level.OVERDUE and (head := self.head.get(unit_id)):
            people.add(head)
        if level >= Level.LONG_OVERDUE:
            parent_id = self.parent.get(unit_id)
            if parent_id and (parent_head := self.head.get(parent_id)):
                people.add(parent_head)
            people.update(self.inspectors_of(unit_id))
        return people


def _detail_url_pattern() -> str:
    try:
        return reverse("petitions:detail", args=[987654321]).replace("987654321", "{}")
    except NoReverseMatch:
        return ""


# One row per escalated deadline, as the digest needs it (a chunk's own rows, or rebuilt after a crash).
DigestRow = tuple  # (deadline id, level reached, unit id, first-line user id, subject, rule name, due date, url)
DIGEST_BODY_LINES = 100
ANALYZE_AFTER = 10_000  # level changes in one run
ADVISORY_LOCK = 7_460_001  # pg_try_advisory_lock key: one sweep at a time on PostgreSQL


@contextmanager
def _one_sweep_at_a_time():
    """A session advisory lock on PostgreSQL: a second sweep started meanwhile leaves the work to the first.

    The digest needs it: a run that finds an earlier run undigested must know that run is dead (its
    connection, and so its lock, is gone), not still sweeping. SQLite has one writer anyway.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])


def deadlines_sweep(*, today: datetime.date | None = None, chunk: int = CHUNK) -> dict[int, int]:
    """Bring every open, running deadline to the level its dates imply today; returns how many reached each.

    The highest level runs first, so a deadline that is already long overdue goes there in one step
    (with one escalation row per level it passes) and is never sent a stale "due soon" notice.

    Then each person concerned gets ONE digest listing their cases of this run (see sweep_digest):
    a head with 3,000 late cases gets one message, not 3,000.
    """
    today = today or timezone.localdate()
    counts = dict.fromkeys((Level.LONG_OVERDUE, Level.OVERDUE, Level.DUE_SOON), 0)
    with _one_sweep_at_a_time() as acquired:
        if not acquired:
            return counts
        recipients = Recipients.load()
        url_pattern = _detail_url_pattern()
        # A run killed after some chunks committed but before its digest: tell those cases now.
        for dead in SweepRun.objects.filter(digested_at__isnull=True):
            sweep_digest(run=dead, recipients=recipients, rows=_rows_of_run(dead, url_pattern))
        run = _run_start()
        rows: list[DigestRow] = []
        for level in counts:
            while done := sweep_chunk(
                level=level,
                today=today,
                chunk=chunk,
                recipients=recipients,
                url_pattern=url_pattern,
                now=run.started_at,
                digest_rows=rows,
            ):
                counts[level] += done
        sweep_digest(run=run, recipients=recipients, rows=rows)
    if connection.vendor == "postgresql" and sum(counts.values()) >= ANALYZE_AFTER:
        # The caseload's "deadline level" filter is planned from the level column's statistics; after
        # a run that moved tens of thousands of rows they are stale (autovacuum waits for 10 % of the
        # table) and the planner picks a nested loop 4× slower. ANALYZE samples; it takes a second.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Deadline._meta.db_table}")
    return counts


def _run_start() -> SweepRun:
    """A new run whose start time no earlier run has: it is the key of the run's escalations."""
    now = timezone.now()
    last = SweepRun.objects.order_by("-started_at").values_list("started_at", flat=True).first()
    if last and now <= last:
        now = last + datetime.timedelta(microseconds=1)
    return SweepRun.objects.create(started_at=now)


@transaction.atomic
def sweep_chunk(
    *,
    level: int,
    today: datetime.date,
    chunk: int,
    recipients: Recipients | None = None,
    url_pattern: str = "",
    now: datetime.datetime | None = None,
    digest_rows: list | None = None,
) -> int:
    """Raise up to `chunk` deadlines to `level` and write their escalations, in one transaction.

    The escalations carry the run's start time (`now`); no notification is written here: the run's
    digest is built once all chunks are done.
    """
    date_field, lookup = THRESHOLDS[level]
    if connection.vendor == "postgresql":
        # A chunk does not wait for its WAL to reach the disk (a sixth of the first sweep's time at a
        # million). Safe here: a crash can only lose whole chunks, levels and escalations together,
        # and the next run redoes exactly those. The digest's transaction stays synchronous.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
    rows = list(
        Deadline.objects.select_for_update(skip_locked=True, of=("self",))
        # The same predicate as the level's partial index, and its order: an index range scan.
        .filter(closed_at__isnull=True, paused_at__isnull=True, level__lt=level, **{f"{date_field}__{lookup}": today})
        .order_by(date_field)
        .values_list(
            "id",
            "level",
            "extensions",
            "unit_id",
            "due_date",
            "petition_id",
            "petition__handler_id",
            "petition__tracking_code",
            "owner_id",
            "label",
            "url",
            "rule__name",
        )[:chunk]
    )
    if not rows:
        return 0
    ids = [row[0] for row in rows]
    _raise_level(ids, level)
    # A deadline put back by a calendar change and raised again was already escalated in this round.
    seen = set(
        Escalation.objects.filter(deadline_id__in=ids, level__lte=level).values_list("deadline_id", "level", "round")
    )
    now = now or timezone.now()
    escalations, reached_rows = [], []
    for deadline_id, old_level, round_, unit_id, due, petition_id, handler_id, code, owner_id, label, url, rule in rows:
        reached = [lv for lv in range(old_level + 1, level + 1) if (deadline_id, lv, round_) not in seen]
        if not reached:
            continue
        escalations.extend((deadline_id, lv, round_) for lv in reached)
        reached_rows.append(
            _digest_row(deadline_id, level, unit_id, handler_id or owner_id, petition_id, code, label, url, rule, due,
                        url_pattern)
        )  # fmt: skip
    _insert_escalations(escalations, now=now)
    if digest_rows is not None:
        # Should this chunk's commit fail, the exception ends the whole run before its digest.
        digest_rows.extend(reached_rows)
    return len(rows)


def _digest_row(deadline_id, level, unit_id, first_line_id, petition_id, code, label, url, rule, due, url_pattern):
    if petition_id:
        subject = _("Petition %(code)s") % {"code": code}
        url = url_pattern.format(petition_id) if url_pattern else ""
    else:
        subject = label
    return (deadline_id, level, unit_id, first_line_id, subject, rule, due, url)


def _rows_of_run(run: SweepRun, url_pattern: str) -> list[DigestRow]:
    """The digest rows of a run that died before its digest, rebuilt from its escalations."""
    reached = (
        Escalation.objects.filter(created_at=run.started_at)
        .values("deadline_id")
        .annotate(top=Max("level"))
        .values_list(
            "deadline_id",
            "top",
            "deadline__unit_id",
            "deadline__petition__handler_id",
            "deadline__owner_id",
            "deadline__petition_id",
            "deadline__petition__tracking_code",
            "deadline__label",
            "deadline__url",
            "deadline__rule__name",
            "deadline__due_date",
        )
    )
    return [
        _digest_row(d, lv, unit, handler or owner, petition, code, label, url, rule, due, url_pattern)
        for d, lv, unit, handler, owner, petition, code, label, url, rule, due in reached
    ]


def sweep_digest(*, run: SweepRun, recipients: Recipients, rows: list[DigestRow]) -> int:
    """One notification per recipient listing their cases of the run; exactly once per run.

    Exactly-once: the run is marked digested by a conditional UPDATE in the same transaction as the
    notifications, and each notification's key (`sweep:<run id>`) is unique per recipient. A crash
    before the commit leaves the run undigested and the next sweep rebuilds it from the escalations.
    """
    per_user: dict[int, list[DigestRow]] = defaultdict(list)
    for row in rows:
        _deadline_id, level, unit_id, first_line_id = row[:4]
        for user_id in recipients.for_level(level, unit_id=unit_id, first_line_id=first_line_id):
            per_user[user_id].append(row)
    key = f"sweep:{run.pk}"
    page_url = reverse("deadlines:digest", args=[key])
    # Translated once per run, not once per line: a city's first sweep writes ~90,000 lines.
    words = {"due": _("due %(date)s"), **{level: str(Level(level).label) for level in Level}}
    digests = []
    for user_id, cases in per_user.items():
        cases.sort(key=lambda r: (-r[1], r[6], r[0]))
        title, body = _digest_text(cases, page_url, words)
        items = [[r[0], r[1]] for r in cases]
        # A digest of "due soon" cases only is worthless, even misleading, once the first of them is
        # past due: the outbox does not send it after that day (core.services_outbox).
        until = min(r[6] for r in cases) if all(r[1] == Level.DUE_SOON for r in cases) else None
        digests.append((user_id, title, body, page_url, key, items, until))
    with transaction.atomic():
        if not SweepRun.objects.filter(pk=run.pk, digested_at__isnull=True).update(digested_at=timezone.now()):
            return 0  # digested already
        notify_digests(digests, now=run.started_at)
    return len(digests)


def _digest_text(cases: list[DigestRow], page_url: str, words: dict) -> tuple[str, str]:
    by_level = Counter(r[1] for r in cases)
    title = _(
        "Deadlines: %(count)s cases need attention (%(long)s long overdue, %(overdue)s overdue, %(soon)s due soon)"
    ) % {
        "count": len(cases),
        "long": by_level[Level.LONG_OVERDUE],
        "overdue": by_level[Level.OVERDUE],
        "soon": by_level[Level.DUE_SOON],
    }
    base = getattr(settings, "PORTAL_URL", "").rstrip("/")
    lines = [
        f"- {subject}: {rule}, {words[level]} ({words['due'] % {'date': f'{due:%d/%m/%Y}'}})"
        + (f" {base}{url}" if url else "")
        for _id, level, _unit, _user, subject, rule, due, url in cases[:DIGEST_BODY_LINES]
    ]
    if len(cases) > DIGEST_BODY_LINES:
        lines.append(_("… and %(more)s more.") % {"more": len(cases) - DIGEST_BODY_LINES})
    lines.append(_("The whole list: %(url)s") % {"url": f"{base}{page_url}"})
    return title[:200], "\n".join(lines)


# The writes below are plain SQL with array parameters on
# PostgreSQL: building 600,000 model instances for bulk_create costs more than the database work
# itself. Other databases use the ORM.


def _raise_level(ids: list[int], level: int) -> None:
    if connection.vendor != "postgresql":
        Deadline.objects.filter(pk__in=ids, level__lt=level).update(level=level)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Deadline._meta.db_table} SET level = %s WHERE id = ANY(%s) AND level < %s",  # noqa: S608
            [level, ids, level],
        )


def _insert_escalations(rows: list[tuple[int, int, int]], *, now: datetime.datetime) -> None:
    """(deadline id, level, round) rows, one statement per level in ascending order, so a deadline that
    passes several levels at once gets its rows chained in order; a row that exists already is skipped."""
    for level in sorted({row[1] for row in rows}):
        _insert_level([(d, r) for d, lv, r in rows if lv == level], level=level, now=now)


def _insert_level(rows: list[tuple[int, int]], *, level: int, now: datetime.datetime) -> None:
    # Each row is chained by hash to the deadline's previous escalation (core.audit). The deadlines
    # are locked FOR UPDATE by sweep_chunk, so no other writer appends to these chains meanwhile.
    if not rows:
        return
    if connection.vendor != "postgresql":
        for d, r in rows:
            chain_create(Escalation, deadline_id=d, level=level, round=r, created_at=now)
        return
    row_hash = chain_hash_sql("p.row_hash", "x.d", [("c.level", "text"), ("x.r", "text"), ("c.at", "datetime")])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Escalation._meta.db_table} (deadline_id, level, round, created_at, prev_hash, row_hash) "  # noqa: S608
            f"SELECT x.d, c.level, x.r, c.at, COALESCE(p.row_hash, ''), {row_hash} "
            "FROM unnest(%s::bigint[], %s::smallint[]) AS x(d, r) "
            "CROSS JOIN (SELECT %s::smallint AS level, %s::timestamptz AS at) AS c LEFT JOIN ("
            f"  SELECT DISTINCT ON (deadline_id) deadline_id, row_hash FROM {Escalation._meta.db_table}"
            "   WHERE deadline_id = ANY(%s) ORDER BY deadline_id, id DESC"
            ") p ON p.deadline_id = x.d ORDER BY x.d ON CONFLICT DO NOTHING",
            [[d for d, _ in rows], [r for _, r in rows], level, now, [d for d, _ in rows]],
        )
