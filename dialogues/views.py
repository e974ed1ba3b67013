from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import access
from core.decorators import staff_required
from core.pdf import pdf_font, render_pdf
from core.selectors import jurisdiction_for, unit_current_head
from petitions import selectors as petition_selectors
from petitions.models import Kind

from . import hotspots, policy, selectors, services
from .forms import (
    ConfirmForm,
    DialogueFilterForm,
    DoneForm,
    FlagForm,
    FollowUpForm,
    HotspotFilterForm,
    MinutesForm,
    ReasonForm,
    RequirementForm,
    RescheduleForm,
    ScheduleForm,
)
from .models import DialogueRequirement, FollowUpAction, Minutes
from .services import DialogueDenied, DialogueError
from .workflow import ACTION_LABELS, ActionStatus, HotspotStatus, MinutesStatus

PAGE_SIZE = 25


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Dialogues ----------------------------------------------------------------------------------


@staff_required
def dialogue_list(request):
    form = DialogueFilterForm(request.GET or None, user=request.user)
    page = Paginator(form.filter(selectors.dialogue_list(request.user)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dialogues/list.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "can_schedule": form.fields["unit"].queryset.exists() and _organiser(request.user),
        },
    )


def _organiser(user) -> bool:
    return jurisdiction_for(user).has_role(*policy.ORGANISERS)


@staff_required
def dialogue_new(request):
    if not _organiser(request.user):
        raise PermissionDenied
    initial = {}
    if codes := request.GET.get("petitions"):
        initial["petition_codes"] = codes
    hotspot = None
    if (hotspot_id := request.GET.get("hotspot", "")).isdigit():
        # A dialogue answering a hotspot: chaired by the head, it meets the hotspot's response clock.
        hotspot = selectors.hotspot_detail(request.user, int(hotspot_id))
        initial.update(unit=hotspot.unit_id, subject=hotspot.title, chair=unit_current_head(hotspot.unit))
    form = ScheduleForm(request.POST or None, user=request.user, initial=initial, hotspot=hotspot)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dialogue = services.dialogue_schedule(
                actor=request.user,
                unit=data["unit"],
                subject=data["subject"],
                scheduled_at=data["scheduled_at"],
                chair=data["chair"],
                petitions=data["petition_codes"],
                place=data["place"],
                online_link=data["online_link"],
                what_to_bring=data["what_to_bring"],
                agenda=data["agenda"],
                delegate_reason=data["delegate_reason"],
                other_participants=data["other_participants"],
                hotspot=hotspot,
            )
        except DialogueDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DialogueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Dialogue %(code)s scheduled; the citizens are invited.") % {"code": dialogue.code}
            )
            return redirect("dialogues:detail", pk=dialogue.pk)
    return render(request, "dialogues/new.html", {"form": form, "hotspot": hotspot})


def _render_detail(request, dialogue, bound=None, status=200):
    versions = selectors.dialogue_minutes(dialogue)
    latest = versions[0] if versions else None
    draft = latest if latest is not None and latest.status == MinutesStatus.DRAFT else None
    allowed = policy.dialogue_actions(request.user, dialogue, draft=draft)
    bound = bound or {}
    forms = {}
    if "reschedule" in allowed:
        forms["reschedule"] = bound.get("reschedule") or RescheduleForm(
            prefix="reschedule", initial={"place": dialogue.place, "online_link": dialogue.online_link}
        )
    if "cancel" in allowed:
        forms["cancel"] = bound.get("cancel") or ReasonForm(prefix="cancel")
    if "minutes_write" in allowed and (latest is None or draft is not None):
        forms["minutes"] = bound.get("minutes") or MinutesForm(prefix="minutes", instance=draft)
    if "correct" in allowed and latest is not None and latest.is_final:
        forms["correct"] = bound.get("correct") or ReasonForm(prefix="correct")
    if "action_add" in allowed:
        forms["action_add"] = bound.get("action_add") or FollowUpForm(prefix="action", unit=dialogue.unit)
    actions = selectors.dialogue_actions(dialogue)
    for action in actions:
        action.dialogue = dialogue
        action.can_close = policy.can_close_action(request.user, action)
    events = selectors.dialogue_events(dialogue)
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
    return render(
        request,
        "dialogues/detail.html",
        {
            "dialogue": dialogue,
            "petitions": selectors.dialogue_petitions(dialogue),
            "versions": versions,
            "latest": latest,
            "draft": draft,
            "actions": actions,
            "events": events,
            "allowed": allowed,
            "forms": forms,
            "done_form": DoneForm(prefix="done"),
        },
        status=status,
    )


@staff_required
def dialogue_detail(request, pk):
    return _render_detail(request, selectors.dialogue_detail(request.user, pk))


DIALOGUE_POSTS = {"reschedule", "cancel", "hold", "minutes", "finalise", "correct", "action_add"}


@staff_required
@require_POST
def dialogue_action(request, pk, action):
    """Every write on a dialogue page; a refused permission is 403, a broken rule a message on the page."""
    if action not in DIALOGUE_POSTS:
        raise Http404
    dialogue = selectors.dialogue_detail(request.user, pk)
    # Not an organiser of this unit (an inspector, a handler elsewhere): 403 before any form is read.
    access.require(request.user, "dialogues.organise", dialogue)
    form = None
    try:
        if action == "reschedule":
            form = RescheduleForm(request.POST, prefix="reschedule")
            if form.is_valid():
                services.dialogue_reschedule(dialogue=dialogue, actor=request.user, **form.cleaned_data)
        elif action == "cancel":
            form = ReasonForm(request.POST, prefix="cancel")
            if form.is_valid():
                services.dialogue_cancel(dialogue=dialogue, actor=request.user, reason=form.cleaned_data["reason"])
        elif action == "hold":
            services.dialogue_hold(dialogue=dialogue, actor=request.user)
        elif action == "minutes":
            form = MinutesForm(request.POST, prefix="minutes")
            if form.is_valid():
                services.minutes_save(dialogue=dialogue, actor=request.user, **form.cleaned_data)
        elif action == "finalise":
            draft = get_object_or_404(Minutes, dialogue=dialogue, status=MinutesStatus.DRAFT)
            draft.dialogue = dialogue
            services.minutes_finalise(minutes=draft, actor=request.user)
        elif action == "correct":
            form = ReasonForm(request.POST, prefix="correct")
            if form.is_valid():
                services.minutes_correct(dialogue=dialogue, actor=request.user, reason=form.cleaned_data["reason"])
        elif action == "action_add":
            form = FollowUpForm(request.POST, prefix="action", unit=dialogue.unit)
            if form.is_valid():
                services.followup_add(dialogue=dialogue, actor=request.user, **form.cleaned_data)
    except DialogueDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except DialogueError as exc:
        if form is None:
            messages.error(request, str(exc))
            return redirect("dialogues:detail", pk=dialogue.pk)
        form.add_error(None, str(exc))
    if form is None or not form.errors:
        messages.success(request, _("Saved."))
        return redirect("dialogues:detail", pk=dialogue.pk)
    dialogue.refresh_from_db()
    key = "minutes" if action == "minutes" else action
    return _render_detail(request, dialogue, bound={key: form}, status=400)


@staff_required
@require_POST
def action_done(request, pk):
    action = get_object_or_404(
        FollowUpAction.objects.select_related("dialogue", "dialogue__unit"),
        pk=pk,
        dialogue__unit_id__in=jurisdiction_for(request.user).unit_ids,
    )
    if not policy.can_close_action(request.user, action) and action.status == ActionStatus.OPEN:
        raise PermissionDenied
    form = DoneForm(request.POST, prefix="done")
    if not form.is_valid():
        messages.error(request, _("Write what was done."))
    else:
        try:
            services.followup_done(action=action, actor=request.user, note=form.cleaned_data["note"])
        except DialogueDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DialogueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The action is recorded as done."))
    if next_url := request.POST.get("next"):
        return redirect(_safe_next(next_url))
    return redirect("dialogues:detail", pk=action.dialogue_id)


def _safe_next(url: str) -> str:
    return url if url.startswith("/") and not url.startswith("//") else "/"


def _minutes_context(request, pk, version):
    minutes = selectors.minutes_version(request.user, pk, version)
    dialogue = minutes.dialogue
    actions = [
        a
        for a in selectors.dialogue_actions(dialogue)
        if minutes.finalised_at is None or a.created_at <= minutes.finalised_at
    ]
    head = unit_current_head(dialogue.unit)
    return {
        "minutes": minutes,
        "dialogue": dialogue,
        "petitions": selectors.dialogue_petitions(dialogue),
        "actions": actions,
        "is_party_body": dialogue.unit.level in PARTY_LEVELS,
        "parent_name": dialogue.unit.parent.name if dialogue.unit.parent_id else "",
        "head": head,
    }


# Units whose documents carry the Party heading (Regulation 66-QĐ/TW on Party documents);
# state bodies carry the national heading (Decree 30/2020/NĐ-CP, Appendix I).
PARTY_LEVELS = frozenset({"party_body", "party", "party_committee"})


@staff_required
def minutes_print(request, pk, version=None):
    return render(request, "dialogues/minutes_print.html", _minutes_context(request, pk, version))


# One font for the whole PDF, with every Vietnamese glyph (core.pdf).
PDF_FONT = pdf_font(".minutes")


@staff_required
def minutes_pdf(request, pk, version=None):
    context = _minutes_context(request, pk, version)
    pdf = render_pdf(
        "dialogues/minutes_document.html",
        context,
        css=("dialogues/minutes.css",),
        font_selector=".minutes",
        request=request,
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"bien-ban-doi-thoai-{context['dialogue'].pk}-v{context['minutes'].version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def petition_dialogues(request, pk):
    """A petition's dialogues and the complaint rule: record the differing result or why no dialogue is held."""
    petition = petition_selectors.petition_detail(request.user, pk)
    requirement = DialogueRequirement.objects.filter(petition=petition).first()
    can_record = policy.can_record_requirement(request.user, petition)
    record_form = RequirementForm(prefix="req")
    waive_form = ReasonForm(prefix="waive")
    status = 200
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        try:
            if "req-difference" in request.POST:
                record_form = RequirementForm(request.POST, prefix="req")
                if record_form.is_valid():
                    services.requirement_record(
                        petition=petition, actor=request.user, difference=record_form.cleaned_data["difference"]
                    )
                    messages.success(request, _("Saved."))
                    return redirect("dialogues:petition", pk=petition.pk)
            else:
                waive_form = ReasonForm(request.POST, prefix="waive")
                if waive_form.is_valid():
                    services.requirement_waive(
                        petition=petition, actor=request.user, reason=waive_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Saved."))
                    return redirect("dialogues:petition", pk=petition.pk)
        except DialogueDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DialogueError as exc:
            messages.error(request, str(exc))
        status = 400
    return render(
        request,
        "dialogues/petition.html",
        {
            "petition": petition,
            "dialogues": selectors.petition_dialogues(request.user, petition),
            "requirement": requirement,
            "guard_message": services.resolve_guard(petition),
            "can_record": can_record and petition.kind == Kind.COMPLAINT,
            "can_schedule": policy.can_schedule(request.user, petition.unit_id),
            "record_form": record_form,
            "waive_form": waive_form,
        },
        status=status,
    )


# --- Hotspots -----------------------------------------------------------------------------------


@staff_required
def hotspot_list(request):
    form = HotspotFilterForm(request.GET or None, user=request.user)
    page = Paginator(form.filter(selectors.hotspot_list(request.user)), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.hotspot_status_counts(request.user)
    return render(
        request,
        "dialogues/hotspots.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "counts": [(s, HotspotStatus(s).label, n) for s, n in counts.items()],
            "can_flag": _organiser(request.user),
        },
    )


def _render_hotspot(request, hotspot, bound=None, status=200):
    allowed = policy.hotspot_actions(request.user, hotspot)
    bound = bound or {}
    forms = {}
    if "confirm" in allowed:
        forms["confirm"] = bound.get("confirm") or ConfirmForm(prefix="confirm", unit=hotspot.unit)
    for action in ("dismiss", "handle", "close"):
        if action in allowed:
            forms[action] = bound.get(action) or ReasonForm(prefix=action)
    events = selectors.hotspot_events(hotspot)
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
    return render(
        request,
        "dialogues/hotspot_detail.html",
        {
            "hotspot": hotspot,
            "petitions": selectors.hotspot_petitions(hotspot),
            "visits": selectors.hotspot_visits(hotspot),
            "dialogues": list(hotspot.dialogues.select_related("chair").order_by("-scheduled_at")),
            "events": events,
            "forms": forms,
            "labels": {a: ACTION_LABELS[a] for a in forms},
            "can_schedule": policy.can_schedule(request.user, hotspot.unit_id),
        },
        status=status,
    )


@staff_required
def hotspot_detail(request, pk):
    return _render_hotspot(request, selectors.hotspot_detail(request.user, pk))


@staff_required
@require_POST
def hotspot_action(request, pk, action):
    if action not in ("confirm", "dismiss", "handle", "close"):
        raise Http404
    hotspot = selectors.hotspot_detail(request.user, pk)
    if not jurisdiction_for(request.user).has_role(*policy.HOTSPOT_ROLES[action], unit_id=hotspot.unit_id):
        raise PermissionDenied
    if action == "confirm":
        form = ConfirmForm(request.POST, prefix="confirm", unit=hotspot.unit)
    else:
        form = ReasonForm(request.POST, prefix=action)
        if action == "close":
            form.fields["reason"].required = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "confirm":
                hotspots.hotspot_confirm(hotspot=hotspot, actor=request.user, **data)
            elif action == "dismiss":
                hotspots.hotspot_dismiss(hotspot=hotspot, actor=request.user, reason=data["reason"])
            elif action == "handle":
                hotspots.hotspot_handle(hotspot=hotspot, actor=request.user, note=data["reason"])
            else:
                hotspots.hotspot_close(hotspot=hotspot, actor=request.user, reason=data["reason"])
        except DialogueDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DialogueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("dialogues:hotspot_detail", pk=hotspot.pk)
    hotspot.refresh_from_db()
    return _render_hotspot(request, hotspot, bound={action: form}, status=400)


@staff_required
@require_POST
def hotspot_suggest(request):
    if not _organiser(request.user):
        raise PermissionDenied
    created = hotspots.hotspots_suggest()
    mine = [h for h in created if h.unit_id in jurisdiction_for(request.user).unit_ids]
    messages.info(request, _("%(n)d new suggestion(s).") % {"n": len(mine)})
    return redirect("dialogues:hotspots")


@staff_required
def hotspot_new(request):
    if not _organiser(request.user):
        raise PermissionDenied
    form = FlagForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            hotspot = hotspots.hotspot_flag(actor=request.user, **form.cleaned_data)
        except DialogueDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DialogueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("dialogues:hotspot_detail", pk=hotspot.pk)
    return render(request, "dialogues/hotspot_new.html", {"form": form})
