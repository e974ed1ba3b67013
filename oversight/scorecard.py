"""The heads' scorecard as a registry of figures.

A figure is a key, a label, the *source* table it counts in and a condition on that table's rows
for a date window. Each source is aggregated with ONE query (conditional aggregation,
`Count(..., filter=Q(...))`) for one unit or grouped by unit for a whole jurisdiction, and the same
condition gives the queryset of "the cases behind it", so a figure and its list cannot disagree.

Other apps add figures when their data exists (dialogues, hotspots, written answers): register a
`Source` for their table and a few `Figure`s from their `AppConfig.ready()`:

    register_source(Source(key="dialogues", queryset=lambda: Dialogue.objects.all(), ...))
    register(Figure(key="dialogues_held", label=_("Dialogues held"), source="dialogues",
                    condition=lambda w: Q(held_on__range=(w.start, w.end)), group="dialogue"))
"""

import dataclasses
import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Unit, User
from deadlines.models import Deadline
from dialogues import clocks as dialogue_clocks
from dialogues.models import Dialogue, Hotspot
from dialogues.workflow import DialogueStatus, HotspotStatus
from petitions.models import Kind, Petition
from petitions.workflow import Status
from reception.models import ReceptionSession, RequiredFrequency, SessionStatus, WrittenAnswer
from reception.rules import required_sessions_in_month

from .models import Finding, FindingStatus


@dataclass(frozen=True)
class Window:
    """The dates a figure looks at: the period, clipped to a head's term; `today` bounds "open" figures."""

    start: datetime.date
    end: datetime.date  # inclusive
    today: datetime.date
    # The units being counted, for conditions that look at another table (set by the computations).
    units: tuple[int, ...] = field(default=(), compare=False)

    @property
    def as_of(self) -> datetime.date:
        return min(self.end, self.today)

    @staticmethod
    def _midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    @property
    def start_at(self) -> datetime.datetime:
        return self._midnight(self.start)

    @property
    def end_before(self) -> datetime.datetime:
        """The first instant after the window (local midnight after `end`)."""
        return self._midnight(self.end + datetime.timedelta(days=1))

    @property
    def as_of_before(self) -> datetime.datetime:
        return self._midnight(self.as_of + datetime.timedelta(days=1))


@dataclass(frozen=True)
class Source:
    """A table figures count in. `count` is what one case is (distinct), `cases` maps matching rows
    to the list a figure links to, `head` narrows rows to what a head did personally (None: every
    row of the unit in the window counts for the head in office)."""

    key: str
    queryset: Callable[[], QuerySet]
    count: str
    cases: Callable[[QuerySet], QuerySet]
    case_kind: str
    head: Callable[[User], Q] | None = None
    unit_field: str = "unit_id"
    # A condition every figure of the source implies, put in WHERE so an index can narrow the scan.
    where: Callable[[Window], Q] | None = None


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    source: str
    condition: Callable[[Window], Q]
    group: str
    # A rate is shown as value/denominator (percent): another figure's key, or a target function.
    rate_of: str | None = None
    target: Callable[[Unit, Window, dict | None], int | None] | None = None
    # A figure defined as "cases of `key` that are not cases of `minus`" (minus is a subset of key).
    minus: str | None = None
    # Higher is worse: the comparison colours it, the charts do not invert it.
    bad: bool = False


SOURCES: dict[str, Source] = {}
FIGURES: dict[str, Figure] = {}
GROUPS: dict[str, str] = {
    "petitions": _("Petitions received"),
    "deadlines": _("Handling within the deadlines"),
    "reception": _("Reception days held in person"),
    "findings": _("Inspection findings"),
}


def register_source(source: Source) -> None:
    SOURCES[source.key] = source


def register(figure: Figure) -> None:
    if figure.source not in SOURCES:
        raise ValueError(f"Unknown source {figure.source!r} for figure {figure.key!r}")
    FIGURES[figure.key] = figure


def register_group(key: str, label: str) -> None:
    GROUPS[key] = label


# --- Petitions: received by kind -----------------------------------------------------------------


def _received(window: Window) -> Q:
    return Q(received_at__gte=window.start_at, received_at__lt=window.end_before)


register_source(
    Source(
        key="petitions",
        queryset=lambda: Petition.objects.all(),
        count="id",
        cases=lambda rows: rows,
        case_kind="petitions",
        where=lambda window: _received(window),
    )
)
register(Figure("received", _("Received"), "petitions", _received, "petitions"))
for _kind, _label in Kind.choices:
    register(
        Figure(
            f"received_{_kind}",
            _label,
            "petitions",
            (lambda kind: lambda window: _received(window) & Q(kind=kind))(_kind),
            "petitions",
        )
    )


# --- Deadlines of petitions: met on time, late, long overdue, open past due -----------------------
# One case = one legal clock of a petition (a Deadline row): a petition has several (processing,
# acceptance, resolution...) and each is an obligation met on time or not. Counting clocks keeps every
# figure a plain conditional COUNT (no DISTINCT), so a whole city's comparison stays one fast scan.
# Due dates are stored after every extension, so a clock met within its extension is on time.


def _met(window: Window) -> Q:
    return Q(closed_as=Deadline.ClosedAs.MET, closed_at__gte=window.start_at, closed_at__lt=window.end_before)


def _suspended(window: Window) -> QuerySet:
    petitions = Petition.objects.filter(status=Status.SUSPENDED)
    if window.units:  # an index range on (unit, status) instead of a scan of every petition
        petitions = petitions.filter(unit_id__in=window.units)
    return petitions.values("pk")


def _open_past(window: Window, date_field: str) -> Q:
    """Open at the end of the window (or today) and past `date_field` then. Suspended cases are
    left out: the suspended time does not count toward the deadline (Law on Denunciations Art. 36)."""
    return (
        Q(start_date__lte=window.as_of, **{f"{date_field}__lt": window.as_of})
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=window.as_of_before))
        & Q(paused_at__isnull=True)
        & ~Q(petition_id__in=_suspended(window))
    )


register_source(
    Source(
        key="deadlines",
        queryset=lambda: Deadline.objects.filter(petition__isnull=False),
        count="id",
        cases=lambda rows: rows,
        case_kind="deadlines",
    )
)
register(Figure("handled", _("Deadlines met"), "deadlines", _met, "deadlines"))
register(
    Figure(
        "handled_late",
        _("Met after the due date"),
        "deadlines",
        lambda w: _met(w) & Q(closed_at__date__gt=F("due_date")),
        "deadlines",
        rate_of="handled",
        bad=True,
    )
)
register(
    Figure(
        "handled_on_time",
        _("Met on time"),
        "deadlines",
        _met,
        "deadlines",
        rate_of="handled",
        minus="handled_late",
    )
)
register(
    Figure(
        "handled_long_overdue",
        _("Met when long overdue"),
        "deadlines",
        lambda w: _met(w) & Q(closed_at__date__gt=F("long_overdue_after")),
        "deadlines",
        rate_of="handled",
        bad=True,
    )
)
register(
    Figure(
        "open_overdue",
        _("Still open past the due date"),
        "deadlines",
        lambda w: _open_past(w, "due_date"),
        "deadlines",
        bad=True,
    )
)
register(
    Figure(
        "open_long_overdue",
        _("Still open, long overdue"),
        "deadlines",
        lambda w: _open_past(w, "long_overdue_after"),
        "deadlines",
        bad=True,
    )
)


# --- Reception days the head held in person ------------------------------------------------------
# Quotas count distinct days on which the head received citizens in person; a delegated session
# does not count (Reg. 11 as amended; domain.md, Reception).


def required_reception_days(unit: Unit, window: Window, frequencies: dict | None = None) -> int | None:
    """The days required in the window, month by month, prorated for a month the window only partly
    covers (a head who took office mid-month owes that month's share). None: no frequency configured."""
    if frequencies is None:
        frequencies = {f.level: f for f in RequiredFrequency.objects.filter(level=unit.level)}
    frequency = frequencies.get(unit.level)
    if frequency is None:
        return None
    total = 0.0
    day = window.start.replace(day=1)
    while day <= window.end:
        following = (day + datetime.timedelta(days=32)).replace(day=1)
        last = following - datetime.timedelta(days=1)
        covered = (min(last, window.end) - max(day, window.start)).days + 1
        required = required_sessions_in_month(frequency.sessions, frequency.period, day.year, day.month)
        total += required * covered / last.day
        day = following
    return math.floor(total + 0.5)


register_source(
    Source(
        key="reception",
        queryset=lambda: ReceptionSession.objects.filter(status=SessionStatus.HELD, held_in_person=True),
        count="date",
        cases=lambda rows: rows,
        case_kind="reception_days",
        head=lambda head: Q(held_by=head),
    )
)
register(
    Figure(
        "reception_days",
        _("Reception days held in person"),
        "reception",
        lambda w: Q(date__gte=w.start, date__lte=w.end),
        "reception",
        target=required_reception_days,
    )
)


# --- Written answers after the head's receptions ------------------------------------------------
# Reg. 11: after a head's reception the citizen gets a written answer within 10 working days. The
# head's conclusion opens a `reg11.written_notice` clock owned by that head (reception.services); the
# answer is on time when the recorded answer is dated on or before the clock's due date.

WRITTEN_NOTICE = "reg11.written_notice"


def _answer_due_in(window: Window) -> Q:
    return Q(due_date__gte=window.start, due_date__lte=window.as_of)


def _answered_on_time() -> Exists:
    return Exists(
        WrittenAnswer.objects.filter(conclusion_id=OuterRef("subject_id"), answered_on__lte=OuterRef("due_date"))
    )


register_group("written_answers", _("Written answers after the head's receptions"))
register_source(
    Source(
        key="written_answers",
        queryset=lambda: Deadline.objects.filter(rule__code=WRITTEN_NOTICE, petition__isnull=True),
        count="id",
        cases=lambda rows: rows,
        case_kind="subject_deadlines",
        head=lambda head: Q(owner=head),
    )
)
register(Figure("written_answers_due", _("Written answers due"), "written_answers", _answer_due_in, "written_answers"))
register(
    Figure(
        "written_answers_on_time",
        _("Answered within 10 working days"),
        "written_answers",
        lambda w: _answer_due_in(w) & Q(_answered_on_time()),
        "written_answers",
        rate_of="written_answers_due",
    )
)
register(
    Figure(
        "written_answers_late",
        _("Answered late or not yet"),
        "written_answers",
        lambda w: _answer_due_in(w) & ~Q(_answered_on_time()),
        "written_answers",
        rate_of="written_answers_due",
        bad=True,
    )
)


# --- Dialogues held and their minutes ------------------------------------------------------------
# Oversight imports dialogues, never the reverse. A dialogue counts for the head who chaired it (a
# delegate's dialogue does not); minutes are on time when the `dialogue.minutes` clock opened at the
# hearing was met on or before its due date.


def _subject_clock(model, rule_code: str, **conditions) -> Exists:
    """The subject's clock of `rule_code` (generic deadline), matched without a ContentType query."""
    return Exists(
        Deadline.objects.filter(
            subject_type__app_label=model._meta.app_label,
            subject_type__model=model._meta.model_name,
            subject_id=OuterRef("pk"),
            rule__code=rule_code,
            **conditions,
        )
    )


def _held(window: Window) -> Q:
    return Q(held_at__gte=window.start_at, held_at__lt=window.end_before)


def _minutes_on_time() -> Q:
    return Q(
        _subject_clock(
            Dialogue, dialogue_clocks.MINUTES, closed_as=Deadline.ClosedAs.MET, closed_at__date__lte=F("due_date")
        )
    )


def _minutes_late(window: Window) -> Q:
    """Finalised after the due date, or still not finalised when the due date had passed."""
    return Q(
        _subject_clock(
            Dialogue, dialogue_clocks.MINUTES, closed_as=Deadline.ClosedAs.MET, closed_at__date__gt=F("due_date")
        )
    ) | Q(
        _subject_clock(
            Dialogue,
            dialogue_clocks.MINUTES,
            due_date__lt=window.as_of,
            closed_at__isnull=True,
        )
    )


register_group("dialogues", _("Dialogues held and minutes finalised on time"))
register_source(
    Source(
        key="dialogues",
        queryset=lambda: Dialogue.objects.filter(status=DialogueStatus.HELD),
        count="id",
        cases=lambda rows: rows,
        case_kind="dialogues",
        head=lambda head: Q(chair=head),
    )
)
register(Figure("dialogues_held", _("Dialogues held"), "dialogues", _held, "dialogues"))
register(
    Figure(
        "dialogues_minutes_on_time",
        _("Minutes finalised on time"),
        "dialogues",
        lambda w: _held(w) & _minutes_on_time(),
        "dialogues",
        rate_of="dialogues_held",
    )
)
register(
    Figure(
        "dialogues_minutes_late",
        _("Minutes late or overdue"),
        "dialogues",
        lambda w: _held(w) & _minutes_late(w),
        "dialogues",
        rate_of="dialogues_held",
        bad=True,
    )
)


# --- Hotspots: answered in time, and still open ----------------------------------------------------
# One case = one hotspot. The `hotspot.response` clock opens when a hotspot is confirmed or flagged
# (owner: the head) and is met by the head's dialogue or ad-hoc reception; a hotspot counts for the
# head in office when its response fell due. "Open" is a confirmed hotspot not yet closed at the end
# of the window (or today): handled ones stay open until the head closes them.


def _response_due_in(window: Window) -> Q:
    return Q(_subject_clock(Hotspot, dialogue_clocks.HOTSPOT, due_date__gte=window.start, due_date__lte=window.as_of))


def _response_on_time() -> Q:
    return Q(
        _subject_clock(
            Hotspot, dialogue_clocks.HOTSPOT, closed_as=Deadline.ClosedAs.MET, closed_at__date__lte=F("due_date")
        )
    )


def _hotspot_open(window: Window) -> Q:
    from dialogues.models import HotspotEvent

    closed = HotspotEvent.objects.filter(hotspot_id=OuterRef("pk"), action="close", created_at__lt=window.as_of_before)
    return Q(_subject_clock(Hotspot, dialogue_clocks.HOTSPOT, start_date__lte=window.as_of)) & ~Q(Exists(closed))


register_group("hotspots", _("Hotspots open and handled in time"))
register_source(
    Source(
        key="hotspots",
        queryset=lambda: Hotspot.objects.exclude(status__in=[HotspotStatus.SUGGESTED, HotspotStatus.DISMISSED]),
        count="id",
        cases=lambda rows: rows,
        case_kind="hotspots",
    )
)
register(Figure("hotspots_response_due", _("Hotspot responses due"), "hotspots", _response_due_in, "hotspots"))
register(
    Figure(
        "hotspots_handled_on_time",
        _("Handled in time"),
        "hotspots",
        lambda w: _response_due_in(w) & _response_on_time(),
        "hotspots",
        rate_of="hotspots_response_due",
    )
)
register(
    Figure(
        "hotspots_handled_late",
        _("Handled late or not yet"),
        "hotspots",
        lambda w: _response_due_in(w) & ~_response_on_time(),
        "hotspots",
        rate_of="hotspots_response_due",
        bad=True,
    )
)
register(Figure("hotspots_open", _("Hotspots open"), "hotspots", _hotspot_open, "hotspots", bad=True))


# --- Inspectors' findings and their remedies -----------------------------------------------------


def _recorded(window: Window) -> Q:
    return Q(recorded_on__gte=window.start, recorded_on__lte=window.end)


def _remedy_due_in(window: Window) -> Q:
    return Q(remedy_due__gte=window.start, remedy_due__lte=window.as_of)


register_source(
    Source(
        key="findings",
        queryset=lambda: Finding.objects.all(),
        count="id",
        cases=lambda rows: rows,
        case_kind="findings",
        head=lambda head: Q(head=head),
    )
)
register(Figure("findings", _("Findings recorded"), "findings", _recorded, "findings", bad=True))
register(
    Figure(
        "findings_remedy_due",
        _("Remedies due in the period"),
        "findings",
        _remedy_due_in,
        "findings",
    )
)
register(
    Figure(
        "findings_remedied_on_time",
        _("Remedied on time"),
        "findings",
        lambda w: _remedy_due_in(w) & Q(status=FindingStatus.REMEDIED, remedied_on__lte=F("remedy_due")),
        "findings",
        rate_of="findings_remedy_due",
    )
)
register(
    Figure(
        "findings_remedy_late",
        _("Remedy late or still missing"),
        "findings",
        lambda w: _remedy_due_in(w) & ~Q(status=FindingStatus.REMEDIED, remedied_on__lte=F("remedy_due")),
        "findings",
        rate_of="findings_remedy_due",
        bad=True,
    )
)


# --- Computing ------------------------------------------------------------------------------------


@dataclass
class Value:
    figure: Figure
    value: int
    denominator: int | None = None

    @property
    def percent(self) -> int | None:
        if not self.denominator:
            return None
        return round(100 * self.value / self.denominator)

    def cell(self, min_cases: int = 0) -> dict:
        """One cell of the comparison: a rate over fewer than `min_cases` cases is left blank."""
        hidden = self.figure.rate_of is not None and (self.denominator or 0) < min_cases
        return {
            "key": self.figure.key,
            "value": self.value,
            "bad": self.figure.bad,
            "text": "—" if hidden else self.display(),
            "hidden": hidden,
        }

    def display(self) -> str:
        if self.denominator is None:
            return str(self.value)
        if self.percent is None:
            return f"{self.value}/{self.denominator}"
        return f"{self.value}/{self.denominator} ({self.percent}%)"


@dataclass
class Card:
    unit: Unit
    window: Window
    head: User | None
    values: dict[str, Value] = field(default_factory=dict)

    def groups(self) -> list[tuple[str, list[Value]]]:
        result: dict[str, list[Value]] = {}
        for value in self.values.values():
            result.setdefault(value.figure.group, []).append(value)
        return [(GROUPS.get(key, key), values) for key, values in result.items()]


def _aggregates(source: Source, window: Window, figures: list[Figure]) -> dict:
    distinct = source.count != "id"
    return {f.key: Count(source.count, filter=f.condition(window), distinct=distinct) for f in figures}


def _rows(source: Source, unit_ids, head: User | None, window: Window | None = None) -> QuerySet:
    rows = source.queryset().filter(**{f"{source.unit_field}__in": list(unit_ids)})
    if window is not None and source.where is not None:
        rows = rows.filter(source.where(window))
    if head is not None and source.head is not None:
        rows = rows.filter(source.head(head))
    return rows


def _finish(values: dict[str, int], unit: Unit, window: Window, frequencies: dict | None) -> dict[str, Value]:
    result: dict[str, Value] = {}
    for figure in FIGURES.values():
        raw = values.get(figure.key, 0) - values.get(figure.minus, 0) if figure.minus else values.get(figure.key, 0)
        denominator = None
        if figure.rate_of:
            denominator = values.get(figure.rate_of, 0)
        elif figure.target:
            denominator = figure.target(unit, window, frequencies)
        result[figure.key] = Value(figure=figure, value=raw, denominator=denominator)
    return result


def _by_source() -> dict[str, list[Figure]]:
    grouped: dict[str, list[Figure]] = {}
    for figure in FIGURES.values():
        grouped.setdefault(figure.source, []).append(figure)
    return grouped


def scorecard(*, unit: Unit, window: Window, head: User | None = None, unit_ids=None) -> Card:
    """Every figure for one unit (and head) over one window: one aggregate query per source.

    `unit_ids` widens the rows to several units (a unit and its subtree, for a jurisdiction total)."""
    values: dict[str, int] = {}
    ids = list(unit_ids or [unit.pk])
    window = dataclasses.replace(window, units=tuple(ids))
    for source_key, figures in _by_source().items():
        source = SOURCES[source_key]
        aggregates = _aggregates(source, window, figures)
        if aggregates:
            values.update(_rows(source, ids, head, window).aggregate(**aggregates))
    frequencies = {f.level: f for f in RequiredFrequency.objects.filter(level=unit.level)}
    return Card(unit=unit, window=window, head=head, values=_finish(values, unit, window, frequencies))


def comparison(*, units: list[Unit], window: Window) -> list[Card]:
    """The same figures for many units: one query per source grouped by unit, whatever the number of units."""
    per_unit: dict[int, dict[str, int]] = {unit.pk: {} for unit in units}
    window = dataclasses.replace(window, units=tuple(per_unit))
    for source_key, figures in _by_source().items():
        source = SOURCES[source_key]
        aggregates = _aggregates(source, window, figures)
        if not aggregates:
            continue
        rows = _rows(source, per_unit, None, window).order_by().values(source.unit_field).annotate(**aggregates)
        for row in rows:
            per_unit[row[source.unit_field]].update({k: v for k, v in row.items() if k != source.unit_field})
    frequencies = {f.level: f for f in RequiredFrequency.objects.filter(level__in={u.level for u in units})}
    return [
        Card(unit=unit, window=window, head=None, values=_finish(per_unit[unit.pk], unit, window, frequencies))
        for unit in units
    ]


def figure_cases(*, figure: Figure, unit: Unit, window: Window, head: User | None = None) -> QuerySet:
    """Exactly the cases behind a figure: as many rows (distinct days for reception) as its value."""
    source = SOURCES[figure.source]
    window = dataclasses.replace(window, units=(unit.pk,))
    rows = _rows(source, [unit.pk], head).filter(figure.condition(window))
    cases = source.cases(rows)
    if figure.minus:
        minus = FIGURES[figure.minus]
        excluded = source.cases(_rows(source, [unit.pk], head).filter(minus.condition(window)))
        cases = cases.exclude(pk__in=excluded.values("pk"))
    return cases
