"""Tamper-evident audit trails: append-only rows chained by hash, per record.

Every row of a chained model holds `prev_hash` (the `row_hash` of the row before it for the same
record, "" for the first) and `row_hash` = SHA-256 of the previous hash, the record's key and the
row's content. Editing a row breaks its own hash; deleting or re-ordering rows breaks the link of
the row after. `manage.py verify_audit` walks every chain.

To chain a model: inherit `ChainedModel`, set `chain_key` (the field naming the record, e.g.
"petition_id") and `chain_fields` (the content that must not change), and write rows only with
`chain_create()` (one row) or, for set-based SQL on PostgreSQL, `chain_hash_sql()` inside an INSERT
whose writer holds a lock on each record (see deadlines.services_sweep).

Concurrent writers: `chain_create` takes a per-record transaction-level advisory lock before
reading the last hash, so two transactions appending to one record are serialised and the chain
never forks. The advisory lock is released at commit, so the caller must be inside a transaction
(every service is).

The serialisation is the same in Python and SQL: each value as "<length>:<text>" joined by "|";
datetimes as integer microseconds since the Unix epoch (UTC), booleans as 1/0, None as "".
"""

import datetime
import hashlib
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class ChainedModel(models.Model):
    # db_default: a row inserted by SQL that knows nothing of the chain is stored (and then reported
    # by verify_audit as "unchained") rather than failing the writer.
    prev_hash = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)
    row_hash = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)

    chain_key: str = ""
    chain_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return str((value - EPOCH) // datetime.timedelta(microseconds=1))
    return str(value)


def chain_hash(prev_hash: str, key, values: Iterable) -> str:
    parts = [_text(v) for v in (prev_hash, key, *values)]
    return hashlib.sha256("|".join(f"{len(p)}:{p}" for p in parts).encode()).hexdigest()


def _sql_text(expression: str, kind: str) -> str:
    if kind == "datetime":
        return f"COALESCE(((EXTRACT(EPOCH FROM {expression}) * 1000000)::bigint)::text, '')"
    if kind == "bool":
        return f"COALESCE(CASE WHEN {expression} THEN '1' ELSE '0' END, '')"
    return f"COALESCE(({expression})::text, '')"


def chain_hash_sql(prev_expr: str, key_expr: str, value_exprs: Iterable[tuple[str, str]]) -> str:
    """The SQL expression computing chain_hash() on PostgreSQL; value_exprs are (expression, kind)
    with kind "datetime", "bool" or "text" (anything else is cast to text)."""
    parts = [_sql_text(prev_expr, "text"), _sql_text(key_expr, "text")]
    parts += [_sql_text(expr, kind) for expr, kind in value_exprs]
    joined = " || '|' || ".join(f"length({p})::text || ':' || {p}" for p in parts)
    return f"encode(sha256(convert_to({joined}, 'UTF8')), 'hex')"


def _lock_class(model) -> int:
    return zlib.crc32(model._meta.label_lower.encode()) & 0x7FFFFFFF


def chain_lock(model, key: int) -> None:
    """Serialise writers of one record's chain until the end of the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_lock_class(model), int(key) % 2**31])
    # SQLite serialises every writer already (IMMEDIATE transactions).


def chain_last_hash(model, key) -> str:
    last = model._base_manager.filter(**{model.chain_key: key}).order_by("-pk").values_list("row_hash", flat=True)
    return last.first() or ""


def chain_create(model, **values):
    """Append one row to its record's chain: lock the record, read its last hash, insert."""
    if not connection.in_atomic_block:
        with transaction.atomic():
            return chain_create(model, **values)
    row = model(**values)
    key = getattr(row, model.chain_key)
    chain_lock(model, key)
    row.prev_hash = chain_last_hash(model, key)
    row.row_hash = chain_hash(row.prev_hash, key, [getattr(row, f) for f in model.chain_fields])
    row.save(force_insert=True)
    return row


def chained_models() -> list:
    return [m for m in apps.get_models() if issubclass(m, ChainedModel) and m.chain_key]


@dataclass(frozen=True)
class Problem:
    model: str
    pk: int
    key: int
    kind: str  # "altered", "deleted", "reordered", "unchained"

    def __str__(self):
        explanations = {
            "altered": "content does not match its hash (row edited)",
            "deleted": "does not follow the row before it (a row before it was deleted)",
            "reordered": "follows another row of the chain than the one before it (rows re-ordered)",
            "unchained": "has no hash (written outside the audited writers)",
        }
        return f"{self.model} #{self.pk} (record {self.key}): {explanations[self.kind]}"


def verify_chain(
    model, *, key=None, keys=None, chunk_size: int = 5000, progress: Callable[[int], None] | None = None
) -> Iterator[Problem]:
    """Walk every chain of a model (or one record's, `key`, or a few records', `keys`) in (record, id)
    order, streaming, and yield what is wrong. One record's check is what an inspector's page shows
    next to its history. `progress(rows_seen)` is called every `chunk_size` rows (a long check's bar)."""
    label = model._meta.label
    columns = ["pk", model.chain_key, "prev_hash", "row_hash", *model.chain_fields]
    rows = model._base_manager.order_by(model.chain_key, "pk")
    if key is not None:
        rows = rows.filter(**{model.chain_key: key})
    if keys is not None:
        rows = rows.filter(**{f"{model.chain_key}__in": list(keys)})
    rows = rows.values_list(*columns).iterator(chunk_size=chunk_size)
    current_key, previous_hash, seen = object(), "", set()
    for count, (pk, key, prev_hash, row_hash, *values) in enumerate(rows, start=1):
        if progress is not None and count % chunk_size == 0:
            progress(count)
        if key != current_key:
            current_key, previous_hash, seen = key, "", set()
        if not row_hash:
            yield Problem(label, pk, key, "unchained")
        elif chain_hash(prev_hash, key, values) != row_hash:
            yield Problem(label, pk, key, "altered")
        elif prev_hash != previous_hash:
            yield Problem(label, pk, key, "reordered" if prev_hash in seen or prev_hash == "" else "deleted")
        seen.add(row_hash)
        previous_hash = row_hash


def chain_backfill(model, key_field: str, fields: Iterable[str]) -> int:
    """Chain rows written before the model was chained (for data migrations; historical models)."""
    fields = list(fields)
    updates, previous, total = [], {}, 0
    for row in model._base_manager.order_by(key_field, "pk").iterator(chunk_size=5000):
        key = getattr(row, key_field)
        row.prev_hash = previous.get(key, "")
        row.row_hash = chain_hash(row.prev_hash, key, [getattr(row, f) for f in fields])
        previous = {key: row.row_hash}
        updates.append(row)
        total += 1
        if len(updates) >= 5000:
            model._base_manager.bulk_update(updates, ["prev_hash", "row_hash"])
            updates = []
    if updates:
        model._base_manager.bulk_update(updates, ["prev_hash", "row_hash"])
    return total
