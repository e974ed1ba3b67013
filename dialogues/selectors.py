"""Reads: jurisdiction is applied here once, for pages and the API alike."""

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.models import User
from core.selectors import jurisdiction_for
from petitions.models import Petition

from .models import Dialogue, DialogueEvent, DialoguePetition, FollowUpAction, Hotspot, HotspotEvent, Minutes
from .workflow import ActionStatus, DialogueStatus, HotspotStatus


def dialogues_visible_to(user: User) -> QuerySet[Dialogue]:
    """Staff of the unit and of its ancestors (parent units, inspectors with jurisdiction)."""
    return Dialogue.objects.filter(unit_id__in=jurisdiction_for(user).unit_ids)


def dialogue_list(user: User) -> QuerySet[Dialogue]:
    return (
        dialogues_visible_to(user)
        .select_related("unit", "chair")
        .annotate(petition_count=Count("links", distinct=True))
        .order_by("-scheduled_at", "-id")
    )


def dialogue_detail(user: User, pk: int) -> Dialogue:
    queryset = dialogues_visible_to(user).select_related("unit", "unit__parent", "chair", "created_by", "hotspot")
    return get_object_or_404(queryset, pk=pk)


def dialogue_petitions(dialogue: Dialogue) -> list[Petition]:
    return list(dialogue.petitions.select_related("unit").order_by("id"))


def dialogue_minutes(dialogue: Dialogue) -> list[Minutes]:
    """All versions, newest first."""
    return list(dialogue.minutes_versions.select_related("written_by", "finalised_by").order_by("-version"))


def dialogue_actions(dialogue: Dialogue) -> list[FollowUpAction]:
    return list(dialogue.actions.select_related("owner", "done_by").order_by("due_date", "id"))


def dialogue_events(dialogue: Dialogue) -> list[DialogueEvent]:
    return list(dialogue.events.select_related("actor"))


def minutes_version(user: User, dialogue_pk: int, version: int | None = None) -> Minutes:
    dialogue = dialogue_detail(user, dialogue_pk)
    queryset = Minutes.objects.filter(dialogue=dialogue).select_related("finalised_by", "written_by")
    if version is None:
        minutes = queryset.order_by("-version").first()
        if minutes is None:
            raise Http404
    else:
        minutes = get_object_or_404(queryset, version=version)
    minutes.dialogue = dialogue
    return minutes


def actions_of_owner(user: User, *, limit: int = 20) -> list[FollowUpAction]:
    """The owner's open follow-up actions for the staff overview, soonest first."""
    return list(
        FollowUpAction.objects.filter(owner=user, status=ActionStatus.OPEN)
        .select_related("dialogue", "dialogue__unit")
        .order_by("due_date", "id")[:limit]
    )


def invitations_for_petition(petition: Petition) -> list[Dialogue]:
    """What the citizen sees by tracking code: pending dialogues about the petition.

    Only time, place, link and what to bring reach the template; never the other petitions or people.
    """
    return list(
        Dialogue.objects.filter(
            links__petition=petition, status__in=(DialogueStatus.SCHEDULED, DialogueStatus.RESCHEDULED)
        )
        .only("id", "scheduled_at", "place", "online_link", "what_to_bring", "status", "subject")
        .order_by("scheduled_at")
    )


def public_invitation(dialogue: Dialogue) -> dict:
    return {
        "code": dialogue.code,
        "status": dialogue.status,
        "status_label": str(dialogue.get_status_display()),
        "scheduled_at": dialogue.scheduled_at,
        "place": dialogue.place,
        "online_link": dialogue.online_link,
        "what_to_bring": dialogue.what_to_bring,
    }


def hotspots_visible_to(user: User) -> QuerySet[Hotspot]:
    """The unit's staff, the parent units' staff and inspectors with jurisdiction see a hotspot."""
    return Hotspot.objects.filter(unit_id__in=jurisdiction_for(user).unit_ids)


def hotspot_list(user: User) -> QuerySet[Hotspot]:
    return (
        hotspots_visible_to(user)
        .select_related("unit", "owner")
        .annotate(petition_count=Count("petitions", distinct=True), visit_count=Count("visits", distinct=True))
        .order_by("-created_at", "-id")
    )


def hotspot_status_counts(user: User) -> dict[str, int]:
    rows = hotspots_visible_to(user).order_by().values("status").annotate(n=Count("id"))
    counts = {row["status"]: row["n"] for row in rows}
    return {status: counts.get(status, 0) for status in HotspotStatus.values}


def hotspot_detail(user: User, pk: int) -> Hotspot:
    queryset = hotspots_visible_to(user).select_related("unit", "unit__parent", "owner")
    return get_object_or_404(queryset, pk=pk)


def hotspot_petitions(hotspot: Hotspot) -> list[Petition]:
    return list(hotspot.petitions.select_related("unit").order_by("-received_at"))


def hotspot_visits(hotspot: Hotspot) -> list:
    return list(hotspot.visits.select_related("unit").order_by("-visited_on"))


def hotspot_events(hotspot: Hotspot) -> list[HotspotEvent]:
    return list(hotspot.events.select_related("actor"))


def petition_dialogues(user: User, petition: Petition) -> list[Dialogue]:
    return list(
        dialogues_visible_to(user).filter(links__petition=petition).select_related("chair").order_by("-scheduled_at")
    )


def api_dialogues(user: User) -> QuerySet[Dialogue]:
    return (
        dialogues_visible_to(user)
        .select_related("unit", "chair")
        .prefetch_related(
            Prefetch("links", queryset=DialoguePetition.objects.select_related("petition")),
        )
        .order_by("-scheduled_at", "-id")
    )


def api_hotspots(user: User) -> QuerySet[Hotspot]:
    return (
        hotspots_visible_to(user)
        .select_related("unit", "owner")
        .prefetch_related(Prefetch("petitions", queryset=Petition.objects.order_by("id")))
        .order_by("-created_at", "-id")
    )


def public_invitations(petition: Petition) -> list[dict]:
    return [public_invitation(d) for d in invitations_for_petition(petition)]
