import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.crypto import search_token
from core.decorators import staff_required
from core.models import Role, Unit
from core.ratelimit import ALL_METHODS, failure_guarded, ratelimit
from core.selectors import jurisdiction_for
from deadlines.selectors import deadlines_for_petitions

from . import actions, exports, selectors, services
from .filters import PetitionFilter, caseload_ordering
from .forms import (
    ExportForm,
    PetitionForm,
    RevealForm,
    StaffPetitionForm,
    TrackForm,
    WithdrawOwnForm,
)
from .pagination import keyset_page
from .services import PetitionError
from .workflow import Action, Status

PAGE_SIZE = 25


@ratelimit(key="petition_create")
def petition_create(request):
    """Public filing form: no account needed."""
    form = PetitionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        is_citizen = request.user.is_authenticated and not jurisdiction_for(request.user).is_staff
        try:
            petition, access_key = services.petition_submit(
                kind=data["kind"],
                title=data["title"],
                content=data["content"],
                unit=data["unit"],
                petitioner=form.petitioner(),
                people_count=data["people_count"],
                citizen=request.user if is_citizen else None,
                uploads=data["attachments"],
                confidential=data["confidential"],
                decision_known_on=data["decision_known_on"],
            )
        except PetitionError as exc:
            form.add_error(None, str(exc))
            return render(request, "petitions/create.html", {"form": form}, status=400)
        request.session["filed"] = {"code": petition.tracking_code, "key": access_key}
        return redirect("petitions:filed")
    return render(request, "petitions/create.html", {"form": form})


def petition_filed(request):
    filed = request.session.get("filed")
    if not filed:
        return redirect("petitions:track")
    return render(request, "petitions/filed.html", {"filed": filed})


def tracked_petition(request, *, code: str, key: str):
    """(petition or None, refusal or None): the look-up of the page and the API, failures counted
    per tracking code ("track_code" in RATE_LIMITS) as well as per address."""
    code = (code or "").strip().upper()
    return failure_guarded(
        request, key="track_code", ident=code, lookup=lambda: selectors.petition_track(code=code, key=key)
    )


@ratelimit(key="track", methods=ALL_METHODS)
def petition_track(request):
    """Code + access key → public status. An unknown code and a wrong key get the same answer.

    The key is sent by POST only: a key in an address ends up in browser history, proxies and
    access logs. An old link with ?key= is redirected to the form without it.
    """
    if request.method != "POST" and "key" in request.GET:
        code = request.GET.get("code", "")[:20]
        return redirect(reverse("petitions:track") + (f"?{urlencode({'code': code})}" if code else ""))
    if request.method == "POST":
        form = TrackForm(request.POST)
    else:
        form = TrackForm(initial={"code": request.GET.get("code", "")[:20]})
    petition = None
    if form.is_bound and form.is_valid():
        petition, refusal = tracked_petition(request, code=form.cleaned_data["code"], key=form.cleaned_data["key"])
        if refusal is not None:
            return refusal
        if petition is None:
            form.add_error(None, _("No petition matches this code and access key. Check both and try again."))
    response = render(
        request,
        "petitions/track.html",
        {"form": form, "petition": petition, "timeline": list(petition.history.all()) if petition else []},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_petitions(request):
    page = Paginator(selectors.petitions_of_citizen(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "petitions/mine.html", {"page": page})


@login_required
def my_petition_detail(request, code):
    petition = get_object_or_404(selectors.petitions_of_citizen(request.user), tracking_code=code)
    form = WithdrawOwnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_citizen_withdraw(
                petition=petition, citizen=request.user, reason=form.cleaned_data["reason"]
            )
        except PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your petition has been withdrawn."))
            return redirect("petitions:my_detail", code=code)
    return render(
        request,
        "petitions/my_detail.html",
        {
            "petition": petition,
            "timeline": selectors.petition_timeline(petition, public_only=True),
            "withdraw_form": form
            if petition.status in {Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS}
            else None,
        },
    )


@staff_required
def petition_list(request):
    """The caseload: keyset pages (the same cost at any depth) and no COUNT of the caseload."""
    # The search form is POSTed and an ID number or phone in it becomes its keyed digest, so the
    # digits never appear in an address (history, proxies, access logs); old links are redirected.
    source = request.POST if request.method == "POST" else request.GET
    if request.method == "POST" or search_token(source.get("q", "")) != source.get("q", ""):
        query = source.copy()
        query.pop("csrfmiddlewaretoken", None)
        query.pop("page", None)
        query.pop("cursor", None)
        if query.get("q"):
            query["q"] = search_token(query["q"])
        return redirect(f"{reverse('petitions:list')}?{query.urlencode()}")
    petition_filter = PetitionFilter(
        request.GET or None, queryset=selectors.petition_list(request.user), user=request.user, split_search=True
    )
    page = keyset_page(
        petition_filter.querysets(),
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
        ordering=caseload_ordering(request.GET.get("ordering", "")),
    )
    deadlines = deadlines_for_petitions([p.pk for p in page])
    for petition in page:
        petition.open_deadlines = deadlines.get(petition.pk, [])
    return render(request, "petitions/list.html", {"filter": petition_filter, "page": page})


def _render_detail(request, petition, bound_form=None, bound_action=None, revealed=None, reveal_form=None):
    can_reveal = petition.identity_protected and services.may_reveal_identity(user=request.user, petition=petition)
    allowed = services.allowed_actions(user=request.user, petition=petition)
    if bound_action and bound_action not in allowed:
        allowed.append(bound_action)  # keep the refused form, its message and what was typed visible
    forms = {
        action: bound_form if action == bound_action else actions.action_form(action, petition, request.user)
        for action in allowed
    }
    return render(
        request,
        "petitions/detail.html",
        {
            "petition": petition,
            "timeline": selectors.petition_timeline(petition),
            "notes": selectors.petition_notes(petition),
            "attachments": list(petition.attachments.all()),
            "action_forms": [
                (action, Action(action).label, forms[action]) for action in allowed if action != Action.NOTE
            ],
            "note_form": forms.get(Action.NOTE),
            "bound_action": bound_action,
            "duplicates": selectors.possible_duplicates(petition, viewer=request.user, include_confidential=can_reveal)
            if petition.status == Status.RECEIVED
            else [],
            "deadlines": deadlines_for_petitions([petition.pk]).get(petition.pk, []),
            "can_extend": jurisdiction_for(request.user).has_role(Role.HEAD, unit_id=petition.unit_id),
            "can_reveal": can_reveal,
            "can_lift_protection": petition.identity_protected
            and services.may_lift_protection(user=request.user, petition=petition),
            "reveal_form": reveal_form or (RevealForm() if can_reveal else None),
            "revealed": revealed,
            "reveals": selectors.identity_reveals(petition) if can_reveal else [],
        },
    )


@staff_required
def petition_detail(request, pk):
    petition = selectors.petition_detail(request.user, pk)
    services.petition_read_record(petition=petition, actor=request.user)
    return _render_detail(request, petition)


@staff_required
@require_POST
@never_cache
def petitioner_reveal(request, pk):
    """Show a denouncer's identity in this one response, after logging who asked and why."""
    petition = selectors.petition_detail(request.user, pk)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = services.petitioner_reveal(
                petition=petition, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except PetitionError as exc:
            form.add_error(None, str(exc))
    response = _render_detail(request, petition, revealed=revealed, reveal_form=form if form.errors else None)
    if form.errors:
        response.status_code = 400
    return response


@staff_required
@require_POST
def petition_protection_lift(request, pk):
    """The head's recorded decision to lift a petitioner's identity protection."""
    petition = selectors.petition_detail(request.user, pk)
    if not services.may_lift_protection(user=request.user, petition=petition):
        raise PermissionDenied
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            services.petition_protection_lift(petition=petition, actor=request.user, reason=form.cleaned_data["reason"])
        except PetitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The identity protection was lifted; the decision was recorded."))
    else:
        messages.error(request, _("A written reason is required for this action."))
    return redirect("petitions:detail", pk=petition.pk)


@staff_required
def petition_export(request):
    """The caseload of a unit and period as CSV for the national database (Decree 55/2022)."""
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("petitions:list")
    return exports.petitions_csv_response(request.user, **form.cleaned_data)


@staff_required
@require_POST
def petition_action(request, pk, action):
    petition = selectors.petition_detail(request.user, pk)
    if action not in Action.values:
        raise Http404
    form = actions.action_form(action, petition, request.user, request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.action_run(action, petition, request.user, form.cleaned_data)
        except PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": Action(action).label})
            return redirect("petitions:detail", pk=petition.pk)
    if not form.errors:
        form.add_error(None, _("This action is not available."))
    messages.error(request, _("The action was not carried out. See the message below."))
    petition.refresh_from_db()
    return _render_detail(request, petition, bound_form=form, bound_action=action)


@staff_required
def petition_register(request):
    """A reception officer registers a petition received by post, in person or forwarded."""
    units = jurisdiction_for(request.user).by_role
    unit_ids = units.get(Role.RECEPTION, frozenset()) | units.get(Role.HEAD, frozenset())
    if not unit_ids:
        messages.error(request, _("Only reception officers and heads register petitions."))
        return redirect("petitions:list")

    form = StaffPetitionForm(request.POST or None, request.FILES or None, units=Unit.objects.filter(pk__in=unit_ids))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        received_on = data["received_on"]
        received_at = (
            timezone.now()
            if received_on == timezone.localdate()
            else timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(8)))
        )
        try:
            petition, access_key = services.petition_submit(
                kind=data["kind"],
                title=data["title"],
                content=data["content"],
                unit=data["unit"],
                petitioner=form.petitioner(),
                channel=data["channel"],
                people_count=data["people_count"],
                created_by=request.user,
                uploads=data["attachments"],
                is_anonymous=data["is_anonymous"],
                confidential=data["confidential"],
                appeal_of=data["appeal_of"],
                first_decision_on=data["first_decision_on"],
                decision_known_on=data["decision_known_on"],
                received_at=received_at,
            )
        except PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Registered %(code)s. Access key for the citizen: %(key)s "
                    "(write it on the receipt; it is not shown again)."
                )
                % {"code": petition.tracking_code, "key": access_key},
            )
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "petitions/register.html", {"form": form})


def attachment_download(request, pk):
    """Files are never served from a public folder: staff in jurisdiction or the owning citizen only."""
    attachment = selectors.attachment_for_download(request.user, pk)
    filename = get_valid_filename(attachment.original_name) or f"attachment.{attachment.extension}"
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=filename)
    response["Content-Type"] = attachment.content_type
    response["Cache-Control"] = "private, no-store"
    return response
