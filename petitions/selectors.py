import datetime
import difflib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.crypto import blind_index, search_digest
from core.models import Role, Unit, User
from core.selectors import jurisdiction_for

from .models import Attachment, IdentityReveal, Petition, PetitionHistory, PetitionNote, normalize_tracking_code
from .policy import may_reveal_identity
from .text import access_key_digest, normalize_for_search
from .workflow import OPEN_STATUSES, Status


def petitions_visible_to(user: User) -> QuerySet[Petition]:
    """The one place jurisdiction is applied to petitions: lists, detail pages and the API use it."""
    return Petition.objects.filter(unit_id__in=jurisdiction_for(user).unit_ids)


def petition_list(user: User) -> QuerySet[Petition]:
    return petitions_visible_to(user).select_related("unit", "handler", "petitioner")


def petition_detail(user: User, pk: int) -> Petition:
    queryset = petitions_visible_to(user).select_related(
        "unit", "handler", "petitioner", "duplicate_of", "forwarded_from", "appeal_of", "forwarded_to", "citizen"
    )
    petition = get_object_or_404(queryset, pk=pk)
    return petition


def petition_timeline(petition: Petition, *, public_only: bool = False) -> list[PetitionHistory]:
    history = petition.history.select_related("actor")
    if public_only:
        history = history.filter(is_public=True)
    return list(history)


def petition_notes(petition: Petition) -> list[PetitionNote]:
    return list(petition.notes.select_related("author"))


def petition_track(*, code: str, key: str) -> Petition | None:
    """Public look-up. A wrong key and an unknown code give the same answer (None)."""
    code = normalize_tracking_code(code)
    petition = Petition.objects.select_related("unit").filter(tracking_code=code).first()
    expected = petition.access_key_digest if petition else "0" * 64
    if hmac.compare_digest(expected, access_key_digest(code, key or "")) and petition:
        # The public timeline, read only once the key matched.
        prefetch_related_objects(
            [petition], Prefetch("history", queryset=PetitionHistory.objects.filter(is_public=True))
        )
        return petition
    return None


def petitions_of_citizen(user: User) -> QuerySet[Petition]:
    return Petition.objects.filter(citizen=user).select_related("unit")


def petition_search_qs(text: str) -> list[Q]:
    """Free text as two conditions, one on the petition's own columns, one on its petitioner's.

    "dat dai" finds "đất đai": both sides are compared without diacritics and in lower case
    (normalize_for_search), with `LIKE '%…%'` that the GIN trigram indexes answer on PostgreSQL.
    Kept apart so that each can use its own index; petition_search_q is their union.
    Protected petitioners (denouncers, or who asked) are never found by name, ID number or phone.
    """
    text = text.strip()
    if digest := search_digest(text):  # an ID number or phone searched by its digest (core.crypto)
        person = Q(petitioner__id_number_digest=digest) | Q(petitioner__phone_digest=digest)
        return [Q(pk__in=[]), person & Q(identity_protected=False)]
    own = Q(tracking_code=_as_tracking_code(text))
    normalized = normalize_for_search(text)
    if normalized:
        own |= Q(search_text__contains=normalized)
    person = Q(pk__in=[])
    if normalized:
        person |= Q(petitioner__name_search__contains=normalized)
    digits = "".join(c for c in text if c.isdigit() or c == "+")
    if digits and len(digits) >= 9:
        digest = blind_index(digits)
        person |= Q(petitioner__id_number_digest=digest) | Q(petitioner__phone_digest=digest)
    # Looking a person up must not tell who denounced whom.
    return [own, person & Q(identity_protected=False)]


def petition_search_q(text: str) -> Q:
    """Free text: a tracking code, an ID number or phone (matched by digest), or words of title/name."""
    own, person = petition_search_qs(text)
    return own | person


def _as_tracking_code(text: str) -> str:
    """Codes are read aloud: "7kq2m9xd3h" and "7KQ2-M9XD-3H" are the same code (an exact, indexed match)."""
    raw = "".join(c for c in text.upper() if c.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 10 else text.upper()


def possible_duplicates(
    petition: Petition, *, viewer: User, limit: int = 5, include_confidential: bool = False
) -> list[Petition]:
    """Same petitioner (ID number or phone digest) with a similar title, newest first, among the
    petitions the viewer may see (the caseload's jurisdiction: another unit's case stays unseen).

    Linking by identity would tell who a denouncer is, so protected petitions take part only for a
    viewer who may reveal the identity (include_confidential).
    """
    if petition.identity_protected and not include_confidential:
        return []
    petitioner = getattr(petition, "petitioner", None)  # imported or legacy cases may have none
    if petitioner is None:
        return []
    same_person = Q(pk__in=[])
    if petitioner.id_number_digest:
        same_person |= Q(petitioner__id_number_digest=petitioner.id_number_digest)
    if petitioner.phone_digest:
        same_person |= Q(petitioner__phone_digest=petitioner.phone_digest)
    candidates = (
        petitions_visible_to(viewer)
        .filter(same_person)
        .exclude(pk=petition.pk)
        .select_related("unit")
        .order_by("-received_at")
    )
    if not include_confidential:
        candidates = candidates.exclude(identity_protected=True)
    candidates = candidates[:50]
    title = normalize_for_search(petition.title)
    scored = [(difflib.SequenceMatcher(None, title, normalize_for_search(c.title)).ratio(), c) for c in candidates]
    return [c for score, c in sorted(scored, key=lambda s: -s[0]) if score >= 0.6][:limit]


def handler_choices(petition: Petition) -> QuerySet[User]:
    """Handlers and heads whose jurisdiction covers the petition's unit."""
    ancestor_ids = [int(p) for p in petition.unit.path.strip("/").split("/")]
    return (
        User.objects.filter(
            memberships__unit_id__in=ancestor_ids, memberships__role__in=[Role.HANDLER, Role.HEAD], is_active=True
        )
        .distinct()
        .order_by("full_name", "username")
    )


def attachment_for_download(user: User, pk: int) -> Attachment:
    """An attachment the user may download, else Http404 (not theirs) or PermissionDenied.

    A denunciation's own files identify the denouncer: staff get them only if they may reveal the
    identity and revealed it (with a logged reason) within IDENTITY_REVEAL_DOWNLOAD_MINUTES.
    Decision documents issued by the unit are not identifying.
    """
    if not user.is_authenticated:
        raise Http404
    attachment = get_object_or_404(Attachment.objects.select_related("petition__unit"), pk=pk)
    petition = attachment.petition
    if jurisdiction_for(user).is_staff:
        if not petitions_visible_to(user).filter(pk=petition.pk).exists():
            raise Http404
        if petition.identity_protected and not attachment.is_decision and not recent_reveal_exists(user, petition):
            raise PermissionDenied
    elif petition.citizen_id != user.pk:
        raise Http404
    return attachment


def recent_reveal_exists(user: User, petition: Petition) -> bool:
    if not may_reveal_identity(user=user, petition=petition):
        return False
    since = timezone.now() - datetime.timedelta(minutes=settings.IDENTITY_REVEAL_DOWNLOAD_MINUTES)
    return IdentityReveal.objects.filter(petition=petition, user=user, created_at__gte=since).exists()


def identity_reveals(petition: Petition) -> list[IdentityReveal]:
    return list(petition.identity_reveals.select_related("user"))


def public_statistics() -> list[dict]:
    """Petition counts per unit by kind and by status; units under PUBLIC_STATS_MIN_COUNT are left out.

    Cached for five minutes in the shared cache: a GROUP BY over every petition (hundreds of
    milliseconds at a million) must not run once per anonymous request.
    """
    timeout = getattr(settings, "PUBLIC_CACHE_SECONDS", 300)
    if not timeout:
        return _public_statistics()
    return cache.get_or_set(
        f"petitions:public_statistics:{settings.PUBLIC_STATS_MIN_COUNT}", _public_statistics, timeout
    )


def _public_statistics() -> list[dict]:
    rows = Petition.objects.values("unit_id", "kind", "status").annotate(n=Count("id")).order_by()
    per_unit: dict[int, dict] = {}
    for row in rows:
        entry = per_unit.setdefault(row["unit_id"], {"total": 0, "by_kind": {}, "by_status": {}})
        entry["total"] += row["n"]
        entry["by_kind"][row["kind"]] = entry["by_kind"].get(row["kind"], 0) + row["n"]
        entry["by_status"][row["status"]] = entry["by_status"].get(row["status"], 0) + row["n"]
    shown = {uid: e for uid, e in per_unit.items() if e["total"] >= settings.PUBLIC_STATS_MIN_COUNT}
    units = Unit.objects.filter(pk__in=shown).only("code", "name", "path")
    return [{"unit_code": u.code, "unit_name": u.name, **shown[u.pk]} for u in units]


def petitions_for_export(
    user: User, *, unit: Unit | None, date_from: datetime.date | None, date_to: datetime.date | None
) -> QuerySet[Petition]:
    """The caseload of a unit (and its subtree) received in a period, with the resolution date."""
    queryset = petitions_visible_to(user)
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    if date_from:
        queryset = queryset.filter(received_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(received_at__date__lte=date_to)
    resolved_at = (
        PetitionHistory.objects.filter(petition=OuterRef("pk"), to_status=Status.RESOLVED)
        .exclude(from_status=Status.RESOLVED)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return (
        queryset.select_related("unit", "forwarded_to", "petitioner")
        .annotate(resolved_at=Subquery(resolved_at))
        .order_by("received_at", "id")
    )


def my_open_cases(user: User, *, limit: int = 10) -> list[Petition]:
    return list(
        Petition.objects.filter(handler=user, status__in=OPEN_STATUSES)
        .select_related("unit")
        .order_by("received_at")[:limit]
    )
