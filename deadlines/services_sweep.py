"""The overdue sweep: moves open deadlines through due soon → overdue → long overdue and escalates.

Set-based and crash-safe. Each chunk is one transaction that locks up to `chunk` rows still below
the level (FOR UPDATE SKIP LOCKED, so a concurrent sweep takes other rows), raises their level with
a conditional UPDATE, and writes their escalation rows and notifications. A sweep killed half-way
leaves whole chunks done or undone; the next run picks up exactly the rows still below the level.
The unique constraint on Escalation is the last line of defence against duplicates.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import chain_create, chain_hash_sql
from core.models import Membership, Role, Unit, UnitHeadTerm
from core.notifications import notify_many

from .models import Deadline, Escalation, Level

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


def _messages(level: int) -> tuple[str, str]:
    titles = {
        Level.DUE_SOON: _("%(subject)s: %(rule)s is due soon (%(date)s)"),
        Level.OVERDUE: _("%(subject)s: %(rule)s is overdue (was due %(date)s)"),
        Level.LONG_OVERDUE: _("%(subject)s: %(rule)s is long overdue (was due %(date)s)"),
    }
    return titles[level], _("%(rule)s. Due date: %(date)s.")


def deadlines_sweep(*, today: datetime.date | None = None, chunk: int = CHUNK) -> dict[int, int]:
    """Bring every open, running deadline to the level its dates imply today; returns how many reached each.

    The highest level runs first, so a deadline that is already long overdue goes there in one step
    (with one escalation row per level it passes) and is never sent a stale "due soon" notice.
    """
    today = today or timezone.localdate()
    recipients = Recipients.load()
    url_pattern = _detail_url_pattern()
    counts = {}
    for level in (Level.LONG_OVERDUE, Level.OVERDUE, Level.DUE_SOON):
        counts[level] = 0
        while done := sweep_chunk(
            level=level, today=today, chunk=chunk, recipients=recipients, url_pattern=url_pattern
        ):
            counts[level] += done
    return counts


@transaction.atomic
def sweep_chunk(*, level: int, today: datetime.date, chunk: int, recipients: Recipients, url_pattern: str = "") -> int:
    """Raise up to `chunk` deadlines to `level`, with their escalations and notifications, in one transaction."""
    date_field, lookup = THRESHOLDS[level]
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
    now = timezone.now()
    title, body = _messages(level)
    escalations, notifications = [], []
    for deadline_id, old_level, round_, unit_id, due, petition_id, handler_id, code, owner_id, label, url, rule in rows:
        reached = [lv for lv in range(old_level + 1, level + 1) if (deadline_id, lv, round_) not in seen]
        if not reached:
            continue
        escalations.extend((deadline_id, lv, round_) for lv in reached)
        if petition_id:
            subject = _("Petition %(code)s") % {"code": code}
            url = url_pattern.format(petition_id) if url_pattern else ""
        else:
            subject = label
        values = {"subject": subject, "rule": rule, "date": f"{due:%d/%m/%Y}"}
        text = (title % values)[:200]
        # A "due soon" e-mail is worthless, even misleading, after the due date (core.services_outbox).
        until = due if level == Level.DUE_SOON else None
        for user_id in recipients.for_level(level, unit_id=unit_id, first_line_id=handler_id or owner_id):
            notifications.append((user_id, text, body % values, url, until))
    _insert_escalations(escalations, now=now)
    notify_many(notifications, now=now)
    return len(rows)


# The writes below (and core.notifications.notify_many) are plain SQL with array parameters on
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
