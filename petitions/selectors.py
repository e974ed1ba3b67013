import difflib
import hmac

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.crypto import blind_index
from core.models import Role, Unit, User
from core.selectors import jurisdiction_for

from .models import Petition, PetitionHistory, PetitionNote
from .services import access_key_digest, normalize_for_search
from .workflow import OPEN_STATUSES


def petitions_visible_to(user: User) -> QuerySet[Petition]:
    """The one place jurisdiction is applied to petitions: lists, detail pages and the API use it."""
    return Petition.objects.filter(unit_id__in=jurisdiction_for(user).unit_ids)


def petition_list(user: User) -> QuerySet[Petition]:
    return petitions_visible_to(user).select_related("unit", "handler", "petitioner")


def petition_detail(user: User, pk: int) -> Petition:
    queryset = petitions_visible_to(user).select_related(
        "unit", "handler", "petitioner", "duplicate_of", "previous", "forwarded_to", "citizen"
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
    code = (code or "").strip().upper()
    petition = (
        Petition.objects.select_related("unit")
        .prefetch_related(Prefetch("history", queryset=PetitionHistory.objects.filter(is_public=True)))
        .filter(tracking_code=code)
        .first()
    )
    expected = petition.access_key_digest if petition else "0" * 64
    if hmac.compare_digest(expected, access_key_digest(code, key or "")) and petition:
        return petition
    return None


def petitions_of_citizen(user: User) -> QuerySet[Petition]:
    return Petition.objects.filter(citizen=user).select_related("unit")


def petition_search_q(text: str) -> Q:
    """Free text: a tracking code, an ID number or phone (matched by digest), or words of title/name."""
    text = text.strip()
    digits = "".join(c for c in text if c.isdigit() or c == "+")
    q = Q(tracking_code__iexact=text)
    normalized = normalize_for_search(text)
    if normalized:
        q |= Q(search_text__contains=normalized) | Q(petitioner__name_search__contains=normalized)
    if digits and len(digits) >= 9:
        digest = blind_index(digits)
        q |= Q(petitioner__id_number_digest=digest) | Q(petitioner__phone_digest=digest)
    return q


def possible_duplicates(petition: Petition, *, limit: int = 5) -> list[Petition]:
    """Same petitioner (ID number or phone digest) with a similar title, newest first."""
    petitioner = petition.petitioner
    same_person = Q(pk__in=[])
    if petitioner.id_number_digest:
        same_person |= Q(petitioner__id_number_digest=petitioner.id_number_digest)
    if petitioner.phone_digest:
        same_person |= Q(petitioner__phone_digest=petitioner.phone_digest)
    candidates = (
        Petition.objects.filter(same_person)
        .exclude(pk=petition.pk)
        .select_related("unit")
        .order_by("-received_at")[:50]
    )
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


def forward_unit_choices(petition: Petition) -> QuerySet[Unit]:
    return Unit.objects.exclude(pk=petition.unit_id)


def open_petition_count(user: User) -> int:
    return petitions_visible_to(user).filter(status__in=OPEN_STATUSES).count()
