import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import access
from core.crypto import search_token
from core.decorators import staff_required
from core.models import Role, Unit
from core.ratelimit import ALL_METHODS, failure_guarded, ratelimit
from core.selectors import jurisdiction_for
from deadlines.forms import ExtendForm
from deadlines.models import Deadline
from deadlines.selectors import deadlines_for_petitions
from deadlines.services import DeadlineError

from . import actions, citizen, clocks, exports, receipt, selectors, services
from .filters import PetitionFilter
from .forms import (
    AccessKeyForgotForm,
    ExportForm,
    PetitionForm,
    RevealForm,
    StaffPetitionForm,
    TrackForm,
    WithdrawOwnForm,
)
from .models import Kind, Petition, normalize_tracking_code
from .pagination import keyset_page
from .services import PetitionError
from .workflow import Action, Status

PAGE_SIZE = 25


def _unit_choices(query: str):
    """Units whose name holds every word of `query`, without diacritics ("xa an" finds "Xã An Bình")."""
    words = services.normalize_for_search(query).split()
    if not words:
        return Unit.objects.all()
    ids = [
        pk
        for pk, name in Unit.objects.values_list("pk", "name")
        if all(word in services.normalize_for_search(name) for word in words)
    ]
    return Unit.objects.filter(pk__in=ids)


@ratelimit(key="petition_create")
def petition_create(request):
    """Public filing form: no account needed; a logged-in citizen finds their details filled in.

    The unit list can be narrowed by a search (?unit_q=, a plain GET form, so it works without
    JavaScript; static/js/unit-search.js filters the list as one types).
    """
    is_citizen = request.user.is_authenticated and not jurisdiction_for(request.user).is_staff
    unit_query = request.GET.get("unit_q", "")[:100]
    units = _unit_choices(unit_query) if unit_query and request.method != "POST" else None
    form = PetitionForm(
        request.POST or None, request.FILES or None, user=request.user if is_citizen else None, units=units
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        anonymous = data["anonymous"]
        try:
            petition, access_key = services.petition_submit(
                kind=data["kind"],
                title=data["title"],
                content=data["content"],
                unit=data["unit"],
                petitioner=form.petitioner(),
                people_count=data["people_count"],
                # An anonymous petition is not linked to the account: that would name its author.
                citizen=request.user if is_citizen and not anonymous else None,
                uploads=data["attachments"],
                is_anonymous=anonymous,
                confidential=data["confidential"],
                decision_known_on=data["decision_known_on"],
            )
        except PetitionError as exc:
            form.add_error(None, str(exc))
            return render(request, "petitions/create.html", _create_context(form, unit_query), status=400)
        request.session["filed"] = {"code": petition.tracking_code, "key": access_key, "email": bool(data["email"])}
        return redirect("petitions:filed")
    return render(request, "petitions/create.html", _create_context(form, unit_query))


def _create_context(form, unit_query):
    from .forms import KIND_HELP

    return {
        "form": form,
        "unit_query": unit_query,
        "unit_count": form.fields["unit"].queryset.count() if unit_query else None,
        "kind_help": [(Kind(kind).label, text) for kind, text in KIND_HELP.items()],
    }


def _session_filed(request):
    """(petition, key) of the petition just filed or registered in this session, else (None, "")."""
    filed = request.session.get("filed")
    if not filed:
        return None, ""
    petition = Petition.objects.select_related("unit").filter(tracking_code=filed["code"]).first()
    return petition, filed["key"] if petition else ""


def petition_filed(request):
    petition, key = _session_filed(request)
    if petition is None:
        return redirect("petitions:track")
    response = render(
        request,
        "petitions/filed.html",
        {
            "filed": {"code": petition.tracking_code, "key": key},
            "petition": petition,
            "steps": citizen.next_steps(petition),
            "emailed": request.session["filed"].get("email"),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _receipt_petition(request):
    """(petition, key, refusal): from the session (just filed) or from a POSTed code and key."""
    if request.method == "POST" and "from_session" not in request.POST:
        form = TrackForm(request.POST)
        if not form.is_valid():
            return None, "", None
        petition, refusal = tracked_petition(request, code=form.cleaned_data["code"], key=form.cleaned_data["key"])
        return petition, form.cleaned_data["key"].strip().upper() if petition else "", refusal
    petition, key = _session_filed(request)
    return petition, key, None


@ratelimit(key="track", methods=ALL_METHODS)
def petition_receipt(request):
    """The printable receipt (A4): the browser prints it, or saves it as PDF through print."""
    petition, key, refusal = _receipt_petition(request)
    if refusal is not None:
        return refusal
    if petition is None:
        messages.error(request, _("No petition matches this code and access key. Check both and try again."))
        return redirect("petitions:track")
    context = receipt.receipt_context(petition, key)
    context["from_session"] = request.method != "POST" or "from_session" in request.POST
    response = render(request, "petitions/receipt.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@ratelimit(key="track", methods=ALL_METHODS)
def petition_receipt_pdf(request):
    petition, key, refusal = _receipt_petition(request)
    if refusal is not None:
        return refusal
    if petition is None:
        messages.error(request, _("No petition matches this code and access key. Check both and try again."))
        return redirect("petitions:track")
    response = HttpResponse(receipt.receipt_pdf(petition, key), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-nhan-{petition.tracking_code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def tracked_petition(request, *, code: str, key: str):
    """(petition or None, refusal or None): the look-up of the page and the API, failures counted
    per tracking code ("track_code" in RATE_LIMITS) as well as per address."""
    code = normalize_tracking_code(code)
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
    context = {"form": form, "petition": petition, "timeline": list(petition.history.all()) if petition else []}
    if petition is not None:
        context.update(_public_context(petition, key=form.cleaned_data["key"].strip().upper()))
    response = render(request, "petitions/track.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _public_context(petition, *, key):
    return {
        "steps": citizen.next_steps(petition),
        "decision": citizen.decision_attachment(petition),
        "decided_on": citizen.decision_date(petition),
        "rights": citizen.next_rights(petition),
        "access_key": key,
    }


@require_POST
@ratelimit(key="track", methods=ALL_METHODS)
def decision_download(request):
    """The signed decision, to whoever holds the code and key; never any other file of the petition
    (a denunciation's own files identify the denouncer)."""
    form = TrackForm(request.POST)
    if not form.is_valid():
        return redirect("petitions:track")
    petition, refusal = tracked_petition(request, code=form.cleaned_data["code"], key=form.cleaned_data["key"])
    if refusal is not None:
        return refusal
    attachment = citizen.decision_attachment(petition) if petition else None
    if attachment is None:
        raise Http404
    filename = f"quyet-dinh-{petition.tracking_code}.{attachment.extension}"
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=filename)
    response["Content-Type"] = attachment.content_type
    response["Cache-Control"] = "private, no-store"
    return response


@ratelimit(key="access_key_reset")
def access_key_forgot(request):
    """A new access key to the e-mail on record. The answer is the same whether or not the code and
    address matched, so the form tells nobody which petitions exist or whose address is whose."""
    form = AccessKeyForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not services.petition_access_key_reset(code=form.cleaned_data["code"], email=form.cleaned_data["email"]):
            receipt.receipt_decoy()  # as slow as a real key e-mail: the timing tells nothing either
        messages.info(
            request,
            _(
                "If this tracking code and e-mail address match a petition, a new access key has been sent to "
                "that address and the old key no longer works. Check your mailbox in a few minutes."
            ),
        )
        return redirect("petitions:track")
    return render(request, "petitions/forgot_key.html", {"form": form})


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
            **_public_context(petition, key=""),
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
        ordering=petition_filter.keyset_ordering(request.GET.get("ordering", "")),
    )
    deadlines = deadlines_for_petitions([p.pk for p in page])
    for petition in page:
        petition.open_deadlines = deadlines.get(petition.pk, [])
    return render(request, "petitions/list.html", {"filter": petition_filter, "page": page})


def _render_detail(request, petition, bound_form=None, bound_action=None, revealed=None, reveal_form=None):
    can_reveal = petition.identity_protected and access.may(request.user, "petitions.reveal_identity", petition)
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
            "can_extend": access.may(request.user, "deadlines.extend", petition),
            "can_reveal": can_reveal,
            "can_lift_protection": petition.identity_protected
            and access.may(request.user, "petitions.lift_protection", petition),
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
    access.require(request.user, "petitions.reveal_identity", petition)
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
    access.require(request.user, "petitions.lift_protection", petition)
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
    # No role for this action here: 403. A role but the wrong state: the form explains (a domain error).
    access.require(request.user, f"petitions.{action}", petition)
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
    access.require(request.user, "petitions.register")
    units = jurisdiction_for(request.user).by_role
    unit_ids = units.get(Role.RECEPTION, frozenset()) | units.get(Role.HEAD, frozenset())

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
            request.session["filed"] = {"code": petition.tracking_code, "key": access_key, "email": False}
            messages.success(
                request,
                format_html(
                    '{} <a href="{}" class="alert-link" data-testid="receipt-link">{}</a>',
                    _(
                        "Registered %(code)s. Access key for the citizen: %(key)s. It is not shown again: "
                        "print the receipt and hand or post it to the citizen."
                    )
                    % {"code": petition.tracking_code, "key": access_key},
                    reverse("petitions:receipt"),
                    _("Print the receipt"),
                ),
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


@staff_required
@require_POST
def deadline_extend(request, pk):
    deadline = get_object_or_404(Deadline.objects.select_related("petition", "rule"), pk=pk, petition__isnull=False)
    # Out of jurisdiction looks like "not found", as for petitions: existence must not leak.
    access.require_visible(request.user, "petitions.view", deadline.petition)
    access.require(request.user, "deadlines.extend", deadline)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            extension = clocks.deadline_extend(
                deadline=deadline, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DeadlineError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The deadline was extended to %(date)s.") % {"date": f"{extension.new_due_date:%d/%m/%Y}"}
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("petitions:detail", deadline.petition_id)
