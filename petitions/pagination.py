"""Keyset pagination: every page costs the same, at page 1 or page 40,000, and nothing counts the table.

A page is the next `size` rows after the last row seen, in a total order that ends with the id:
`WHERE received_at <= v AND (received_at < v OR id < i) ORDER BY received_at DESC, id DESC LIMIT 26`.
The first conjunct is an index range condition (the ordered index starts at v), the second drops the
ties already shown; OFFSET would instead read and throw away every earlier row, and a page count
needs COUNT(*) over the whole caseload (hundreds of milliseconds at a million petitions).

The cursor is opaque to the user (base64 JSON of the boundary row's key and the direction); a cursor
that does not decode is the first page, never an error.

Several querysets can be paginated as one (a search over the petition's own columns and over the
petitioner's, each with its own good plan): the top rows of their union are among the top rows of
each, so each gives `size + 1` rows after the cursor and the merge keeps the first `size + 1`.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

DEFAULT_ORDERING = ("-received_at", "-id")


@dataclass
class KeysetPage:
    object_list: list
    has_next: bool = False
    has_previous: bool = False
    next_cursor: str = ""
    previous_cursor: str = ""
    ordering: tuple[str, ...] = field(default=DEFAULT_ORDERING)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _encode(values: list, *, backwards: bool) -> str:
    def plain(value):
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    raw = json.dumps({"k": [plain(v) for v in values], "b": backwards}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, model, names: list[str]) -> tuple[list, bool] | None:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        values = raw["k"]
        if not isinstance(values, list) or len(values) != len(names):
            return None
        typed = [_field(model, name).to_python(value) for name, value in zip(names, values, strict=True)]
        if any(value is None for value in typed):
            return None
        return typed, bool(raw.get("b"))
    except (ValueError, TypeError, KeyError, binascii.Error, ValidationError):
        return None  # a tampered or stale cursor is the first page


def _field(model, lookup: str):
    """The model field a lookup such as `received_at` or `alert__received_at` ends at."""
    *path, name = lookup.split("__")
    for step in path:
        model = model._meta.get_field(step).related_model
    return model._meta.get_field(name)


def _value(obj, lookup: str):
    """A row's value for a lookup, following `__` through related objects (selected with the row)."""
    for step in lookup.split("__"):
        obj = getattr(obj, step)
    return obj


def _after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows strictly after `values` in `ordering` (two keys: the sort field, then the id)."""
    (first, last), (v, i) = ordering, values
    name, desc = first.lstrip("-"), first.startswith("-")
    id_name, id_desc = last.lstrip("-"), last.startswith("-")
    bound = Q(**{f"{name}__{'lte' if desc else 'gte'}": v})
    strictly = Q(**{f"{name}__{'lt' if desc else 'gt'}": v}) | Q(**{f"{id_name}__{'lt' if id_desc else 'gt'}": i})
    return bound & strictly


def _flip(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f[1:] if f.startswith("-") else f"-{f}" for f in ordering)


def _key(obj, ordering):
    return [_value(obj, f.lstrip("-")) for f in ordering]


def keyset_page(
    querysets: QuerySet | list[QuerySet],
    *,
    cursor: str | None = None,
    size: int = 25,
    ordering: tuple[str, ...] = DEFAULT_ORDERING,
) -> KeysetPage:
    """One page of the union of `querysets` in `ordering` (a field and the id), after or before `cursor`."""
    if isinstance(querysets, QuerySet):
        querysets = [querysets]
    model = querysets[0].model
    names = [f.lstrip("-") for f in ordering]
    decoded = _decode(cursor, model, names) if cursor else None
    backwards = bool(decoded and decoded[1])
    order = _flip(ordering) if backwards else ordering
    rows, seen = [], set()
    for queryset in querysets:
        if decoded:
            queryset = queryset.filter(_after(order, decoded[0]))
        for obj in queryset.order_by(*order)[: size + 1]:
            if obj.pk not in seen:
                seen.add(obj.pk)
                rows.append(obj)
    if len(querysets) > 1:
        rows.sort(key=lambda obj: _sort_key(obj, order))
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = KeysetPage(rows, ordering=ordering)
    if backwards:
        page.has_previous, page.has_next = more, True
    else:
        page.has_next, page.has_previous = more, decoded is not None
    if rows:
        if page.has_next:
            page.next_cursor = _encode(_key(rows[-1], ordering), backwards=False)
        if page.has_previous:
            page.previous_cursor = _encode(_key(rows[0], ordering), backwards=True)
    return page


class _Reversed:
    """Wraps a value so that sorting ascending puts larger values first (for descending keys)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return self.value > other.value

    def __eq__(self, other):
        return self.value == other.value


def _sort_key(obj, ordering):
    return tuple(_Reversed(_value(obj, f[1:])) if f.startswith("-") else _value(obj, f) for f in ordering)
