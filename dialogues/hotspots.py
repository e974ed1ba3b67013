"""Hotspots (điểm nóng): suggesting them from the caseload, and the staff decisions on them.

Suggestions come from three signals, with thresholds an administrator edits (HotspotThresholds):
many petitions about a similar matter at one unit in a period (PostgreSQL trigram similarity of
the normalised titles when pg_trgm is installed, normalised word overlap otherwise), a group visit
of many people, and the same petitioner (by ID-number or phone digest, never the identity)
returning repeatedly. A suggestion is not made again for cases an existing hotspot of the unit
(suggested, confirmed, dismissed or closed) already covers.
"""

import datetime
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import chain_create, chain_hash
from core.models import Role, Unit, User
from core.notifications import notify
from core.selectors import jurisdiction_for, staff_of_unit, unit_current_head
from petitions.models import Kind, Petition, Petitioner
from petitions.workflow import Status
from reception.models import Visit

from . import clocks, policy
from .models import Hotspot, HotspotEvent, HotspotThresholds, RiskLevel, SuggestionBasis
from .services import DialogueDenied, DialogueError, _transition
from .workflow import HOTSPOT_TRANSITIONS, HotspotStatus

# Withdrawn cases and duplicates already filed against their original are not a matter growing.
IGNORED_STATUSES = (Status.WITHDRAWN, Status.FILED)


def thresholds() -> HotspotThresholds:
    current = HotspotThresholds.objects.filter(is_active=True).first()
    return current or HotspotThresholds()


def case_key(petition_ids=(), visit_ids=()) -> str:
    return ",".join([f"p{i}" for i in sorted(set(petition_ids))] + [f"v{i}" for i in sorted(set(visit_ids))])


def _key_set(key: str) -> frozenset[str]:
    return frozenset(k for k in key.split(",") if k)


def hotspot_url(hotspot: Hotspot) -> str:
    return reverse("dialogues:hotspot_detail", args=[hotspot.pk])


# --- Similarity ----------------------------------------------------------------------------------


def trigram_available() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def _similar_pairs_trigram(since: datetime.datetime, threshold: float) -> list[tuple[int, int]]:
    table = Petition._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, b.id FROM {table} a JOIN {table} b "  # noqa: S608 - table name from the model
            "ON a.unit_id = b.unit_id AND a.id < b.id "
            "WHERE a.received_at >= %s AND b.received_at >= %s "
            "AND a.status <> ALL(%s) AND b.status <> ALL(%s) "
            "AND similarity(a.search_text, b.search_text) >= %s",
            [since, since, list(IGNORED_STATUSES), list(IGNORED_STATUSES), threshold],
        )
        return cursor.fetchall()


def words(text: str) -> frozenset[str]:
    """Normalised words of two letters or more (search_text is already lower case without diacritics)."""
    return frozenset(w for w in "".join(c if c.isalnum() else " " for c in text).split() if len(w) >= 2)


def word_overlap(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _similar_pairs_plain(since: datetime.datetime, threshold: float) -> list[tuple[int, int]]:
    by_unit = defaultdict(list)
    rows = (
        Petition.objects.filter(received_at__gte=since)
        .exclude(status__in=IGNORED_STATUSES)
        .values_list("id", "unit_id", "search_text")
    )
    for pk, unit_id, text in rows:
        by_unit[unit_id].append((pk, text))
    pairs = []
    for items in by_unit.values():
        for i, (a, ta) in enumerate(items):
            for b, tb in items[i + 1 :]:
                if word_overlap(ta, tb) >= threshold:
                    pairs.append((min(a, b), max(a, b)))
    return pairs


def _components(pairs) -> list[set[int]]:
    parent: dict[int, int] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups = defaultdict(set)
    for x in list(parent):
        groups[find(x)].add(x)
    return list(groups.values())


# --- Suggestions ---------------------------------------------------------------------------------


def candidates(*, today: datetime.date | None = None, limits: HotspotThresholds | None = None) -> list[dict]:
    """What the thresholds flag now, before removing what existing hotspots already cover."""
    limits = limits or thresholds()
    today = today or timezone.localdate()
    start_of = lambda days: timezone.make_aware(  # noqa: E731
        datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time.min)
    )
    since = start_of(limits.period_days)
    found = []

    pairs = (
        _similar_pairs_trigram(since, limits.similarity)
        if trigram_available()
        else _similar_pairs_plain(since, limits.similarity)
    )
    groups = [g for g in _components(pairs) if len(g) >= limits.similar_min_petitions]
    if groups:
        info = {
            pk: (unit_id, title)
            for pk, unit_id, title in Petition.objects.filter(pk__in=set().union(*groups)).values_list(
                "id", "unit_id", "title"
            )
        }
        for group in groups:
            first = min(group)
            found.append(
                {
                    "unit_id": info[first][0],
                    "basis": SuggestionBasis.SIMILAR_MATTER,
                    "title": info[first][1],
                    "reason": _("%(n)d petitions about a similar matter within %(days)d days.")
                    % {"n": len(group), "days": limits.period_days},
                    "petitions": group,
                    "visits": set(),
                }
            )

    for visit_id, unit_id, people, petition_id in Visit.objects.filter(
        visited_on__gte=today - datetime.timedelta(days=limits.period_days), people_count__gte=limits.group_min_people
    ).values_list("id", "unit_id", "people_count", "petition_id"):
        found.append(
            {
                "unit_id": unit_id,
                "basis": SuggestionBasis.GROUP_VISIT,
                # Generic on purpose: a visit's content may name people.
                "title": _("Group visit of %(n)d people") % {"n": people},
                "reason": _("A group of %(n)d people came to the reception (threshold: %(min)d).")
                % {"n": people, "min": limits.group_min_people},
                "petitions": {petition_id} if petition_id else set(),
                "visits": {visit_id},
            }
        )

    repeat_since = start_of(limits.repeat_period_days)
    # Denunciations are left out: linking them by the person's digest would tell who denounced whom
    # (Law on Denunciations 2018 Art. 47), as the caseload search does (petitions.selectors).
    recent = (
        Petitioner.objects.filter(petition__received_at__gte=repeat_since)
        .exclude(petition__status__in=IGNORED_STATUSES)
        .exclude(petition__kind=Kind.DENUNCIATION)
    )
    for digest_field in ("id_number_digest", "phone_digest"):
        repeated = (
            recent.exclude(**{digest_field: ""})
            .values("petition__unit_id", digest_field)
            .annotate(n=Count("petition_id"))
            .filter(n__gte=limits.repeat_min_petitions)
        )
        keys = {(row["petition__unit_id"], row[digest_field]) for row in repeated}
        if not keys:
            continue
        members = defaultdict(set)
        for pk, unit_id, digest in recent.filter(
            **{f"{digest_field}__in": {pair[1] for pair in keys}}, petition__unit_id__in={pair[0] for pair in keys}
        ).values_list("petition_id", "petition__unit_id", digest_field):
            if (unit_id, digest) in keys:
                members[(unit_id, digest)].add(pk)
        for (unit_id, _digest), ids in members.items():
            found.append(
                {
                    "unit_id": unit_id,
                    "basis": SuggestionBasis.REPEAT_PETITIONER,
                    "title": _("The same petitioner filed %(n)d petitions") % {"n": len(ids)},
                    "reason": _("%(n)d petitions from one person within %(days)d days.")
                    % {"n": len(ids), "days": limits.repeat_period_days},
                    "petitions": ids,
                    "visits": set(),
                }
            )
    return found


@transaction.atomic
def hotspots_suggest(*, today: datetime.date | None = None) -> list[Hotspot]:
    """Create the new suggestions; idempotent (a second run the same day creates nothing)."""
    found = candidates(today=today)
    if not found:
        return []
    covered = defaultdict(list)
    for unit_id, key in Hotspot.objects.filter(unit_id__in={c["unit_id"] for c in found}).values_list(
        "unit_id", "case_key"
    ):
        covered[unit_id].append(_key_set(key))
    new = []
    for candidate in found:
        key = case_key(candidate["petitions"], candidate["visits"])
        cases = _key_set(key)
        if any(cases <= existing for existing in covered[candidate["unit_id"]]):
            continue
        covered[candidate["unit_id"]].append(cases)
        new.append((candidate, key))
    if not new:
        return []
    hotspots = Hotspot.objects.bulk_create(
        [
            Hotspot(
                unit_id=c["unit_id"],
                title=str(c["title"])[:200],
                basis=c["basis"],
                reason=str(c["reason"]),
                case_key=key,
            )
            for c, key in new
        ]
    )
    Hotspot.petitions.through.objects.bulk_create(
        [
            Hotspot.petitions.through(hotspot_id=h.pk, petition_id=p)
            for h, (c, _key) in zip(hotspots, new, strict=True)
            for p in c["petitions"]
        ]
    )
    Hotspot.visits.through.objects.bulk_create(
        [
            Hotspot.visits.through(hotspot_id=h.pk, visit_id=v)
            for h, (c, _key) in zip(hotspots, new, strict=True)
            for v in c["visits"]
        ]
    )
    # Each hotspot is new, so its "suggest" event is the first link of its chain (prev_hash "").
    events = [
        HotspotEvent(hotspot=h, action="suggest", to_status=HotspotStatus.SUGGESTED, reason=h.reason) for h in hotspots
    ]
    for event in events:
        event.row_hash = chain_hash("", event.hotspot_id, [getattr(event, f) for f in HotspotEvent.chain_fields])
    HotspotEvent.objects.bulk_create(events)
    by_unit = defaultdict(int)
    for hotspot in hotspots:
        by_unit[hotspot.unit_id] += 1
    for unit_id, n in by_unit.items():
        notify(
            recipients=staff_of_unit([unit_id], [Role.HEAD, Role.RECEPTION]),
            title=_("%(n)d possible hotspot(s) to review") % {"n": n},
            url=reverse("dialogues:hotspots") + "?status=suggested",
        )
    return hotspots


# --- Decisions -----------------------------------------------------------------------------------


def _event(hotspot, action, actor, from_status="", to_status="", reason=""):
    chain_create(
        HotspotEvent,
        hotspot=hotspot,
        action=action,
        from_status=from_status,
        to_status=to_status or from_status,
        actor=actor,
        reason=reason,
    )


def _check(actor: User, hotspot: Hotspot, action: str) -> None:
    if not jurisdiction_for(actor).has_role(*policy.HOTSPOT_ROLES[action], unit_id=hotspot.unit_id):
        raise DialogueDenied(_("You are not allowed to do this on this hotspot."))


def _check_owner(owner: User | None, unit_id: int) -> None:
    if owner is not None and not jurisdiction_for(owner).can_write(unit_id):
        raise DialogueError(_("%(name)s does not work in this unit.") % {"name": owner.display_name})


def _open_response_clock(hotspot: Hotspot) -> None:
    head = unit_current_head(hotspot.unit)
    clocks.open_clock(
        rule_code=clocks.HOTSPOT,
        subject=hotspot,
        unit=hotspot.unit,
        start=timezone.localdate(),
        owner=head or hotspot.owner,
        label=_("Hotspot %(code)s: reception or dialogue by the head") % {"code": hotspot.code},
        url=hotspot_url(hotspot),
    )
    parent_head = unit_current_head(hotspot.unit.parent) if hotspot.unit.parent_id else None
    notify(
        recipients=[u for u in (head, parent_head, hotspot.owner) if u is not None],
        title=_("Hotspot %(code)s confirmed: %(title)s") % {"code": hotspot.code, "title": hotspot.title[:120]},
        body=hotspot.reason[:500],
        url=hotspot_url(hotspot),
    )


@transaction.atomic
def hotspot_confirm(*, hotspot: Hotspot, actor: User, risk_level: str, owner: User, reason: str = "") -> Hotspot:
    _check(actor, hotspot, "confirm")
    if risk_level not in RiskLevel.values:
        raise DialogueError(_("Choose a risk level."))
    _check_owner(owner, hotspot.unit_id)
    reason = (reason or "").strip()
    from_status, to_status = _transition(
        Hotspot,
        HOTSPOT_TRANSITIONS,
        hotspot,
        "confirm",
        actor,
        reason,
        risk_level=risk_level,
        owner=owner,
        status_reason=reason,
        updated_at=timezone.now(),
    )
    _event(hotspot, "confirm", actor, from_status, to_status, reason or RiskLevel(risk_level).label)
    _open_response_clock(hotspot)
    return hotspot


@transaction.atomic
def hotspot_flag(
    *,
    actor: User,
    unit: Unit,
    title: str,
    reason: str,
    risk_level: str,
    owner: User,
    petitions: list[Petition] = (),
) -> Hotspot:
    """Staff flag a hotspot themselves: it starts confirmed."""
    if not policy.can_flag_hotspot(actor, unit.pk):
        raise DialogueDenied(_("You are not allowed to do this on this hotspot."))
    if risk_level not in RiskLevel.values:
        raise DialogueError(_("Choose a risk level."))
    if not (title or "").strip() or not (reason or "").strip():
        raise DialogueError(_("Give the matter and the reason."))
    _check_owner(owner, unit.pk)
    hotspot = Hotspot.objects.create(
        unit=unit,
        title=title.strip()[:200],
        basis=SuggestionBasis.STAFF,
        reason=reason.strip(),
        risk_level=risk_level,
        owner=owner,
        status=HotspotStatus.CONFIRMED,
        case_key=case_key([p.pk for p in petitions]),
    )
    hotspot.petitions.set(petitions)
    _event(hotspot, "flag", actor, "", HotspotStatus.CONFIRMED, reason.strip())
    _open_response_clock(hotspot)
    return hotspot


@transaction.atomic
def hotspot_dismiss(*, hotspot: Hotspot, actor: User, reason: str) -> Hotspot:
    """Not a hotspot; its case_key stays, so the same cases are not suggested again."""
    _check(actor, hotspot, "dismiss")
    from_status, to_status = _transition(
        Hotspot,
        HOTSPOT_TRANSITIONS,
        hotspot,
        "dismiss",
        actor,
        reason,
        status_reason=(reason or "").strip(),
        updated_at=timezone.now(),
    )
    _event(hotspot, "dismiss", actor, from_status, to_status, reason.strip())
    return hotspot


@transaction.atomic
def hotspot_handle(*, hotspot: Hotspot, actor: User, note: str) -> Hotspot:
    """The head records the ad-hoc reception or dialogue that answered the hotspot."""
    _check(actor, hotspot, "handle")
    from_status, to_status = _transition(
        Hotspot,
        HOTSPOT_TRANSITIONS,
        hotspot,
        "handle",
        actor,
        note,
        status_reason=(note or "").strip(),
        updated_at=timezone.now(),
    )
    _event(hotspot, "handle", actor, from_status, to_status, note.strip())
    clocks.close_clock(subject=hotspot, rule_code=clocks.HOTSPOT)
    return hotspot


@transaction.atomic
def hotspot_close(*, hotspot: Hotspot, actor: User, reason: str = "") -> Hotspot:
    _check(actor, hotspot, "close")
    from_status, to_status = _transition(
        Hotspot,
        HOTSPOT_TRANSITIONS,
        hotspot,
        "close",
        actor,
        reason,
        status_reason=(reason or "").strip(),
        updated_at=timezone.now(),
    )
    _event(hotspot, "close", actor, from_status, to_status, (reason or "").strip())
    return hotspot
