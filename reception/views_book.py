"""Staff pages on the reception book: visits and their handling, reveals, conclusions, answers, exports, quotas."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import access
from core.models import Role, Unit
from core.selectors import jurisdiction_for

from . import exports, selectors, services
from .forms import (
    CitizenLookupForm,
    ConclusionForm,
    FollowUpForm,
    ForwardForm,
    GuideForm,
    MonthForm,
    RefuseForm,
    RegisterPetitionForm,
    VisitForm,
    VisitRevealForm,
    WrittenAnswerForm,
)
from .models import Outcome
from .services import ReceptionError
from .views_common import PAGE_SIZE, _announce_filter_errors, _period_form, reception_staff, services_can_write

# --- Staff: the reception book ----------------------------------------------------------------


@reception_staff
def book_list(request):
    form, filters = _period_form(request)
    _announce_filter_errors(request, form)
    visits = selectors.visits_for(request.user, **filters)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    for visit in page:
        visit.show_identity = selectors.identity_visible(request.user, visit)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reception/book_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_write": access.may(request.user, "reception.write"),
        },
    )


MAX_PRINT_ROWS = 2000


@reception_staff
def book_print(request):
    form, filters = _period_form(request)
    if form.errors:
        return redirect(f"{reverse('reception:book')}?{request.GET.urlencode()}")
    visits = list(selectors.visits_for(request.user, **filters)[: MAX_PRINT_ROWS + 1])
    truncated = len(visits) > MAX_PRINT_ROWS
    rows = exports.book_rows(visits[:MAX_PRINT_ROWS])
    return render(
        request,
        "reception/book_print.html",
        {
            "rows": rows,
            "headers": exports.headers(),
            "filters": filters,
            "truncated": truncated,
            "max_rows": MAX_PRINT_ROWS,
            "today": timezone.localdate(),
        },
    )


@reception_staff
def book_export(request, fmt):
    form, filters = _period_form(request)
    if form.errors:
        return redirect(f"{reverse('reception:book')}?{request.GET.urlencode()}")
    visits = selectors.visits_for(request.user, **filters)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        response = HttpResponse(exports.book_csv(visits), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="so-tiep-cong-dan-{stamp}.csv"'
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.book_xlsx(visits),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="so-tiep-cong-dan-{stamp}.xlsx"'
    else:
        raise Http404
    return response


@reception_staff
def visit_create(request):
    access.require(request.user, "reception.write")
    units = selectors.units_for_reception(request.user, writable=True)
    booking = None
    booking_id = request.POST.get("booking") or request.GET.get("booking")
    if booking_id:
        try:
            booking = selectors.booking_detail(request.user, int(booking_id))
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        if not booking.is_active:
            messages.error(
                request,
                _("Booking %(code)s is “%(status)s” and cannot be logged as a visit.")
                % {"code": booking.confirmation_code, "status": booking.get_status_display()},
            )
            return redirect("reception:session_detail", pk=booking.session_id)
    initial = {}
    if booking is not None:
        initial = {
            "booking": booking.pk,
            "unit": booking.session.unit_id,
            "session": booking.session_id,
            "full_name": booking.full_name,
            "id_number": booking.id_number,
            "phone": booking.phone,
            "content": booking.summary,
            "people_count": booking.people_count,
        }
    sessions = selectors.sessions_for_visit(request.user, include=booking.session_id if booking else None)
    if booking is None and request.GET.get("session", "").isdigit():
        session = sessions.filter(pk=request.GET["session"]).first()
        if session:
            initial = {"session": session.pk, "unit": session.unit_id}
    if "unit" not in initial and units.count() == 1:
        initial["unit"] = units.first().pk
    form = VisitForm(request.POST or None, initial=initial, units=units, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_record(
                unit=data["unit"],
                recorded_by=request.user,
                visitor=form.visitor(),
                content=data["content"],
                petition_kind=data["petition_kind"],
                people_count=data["people_count"],
                representatives=data["representatives"],
                previously_handled_by=data["previously_handled_by"],
                notes=data["notes"],
                visited_on=data["visited_on"],
                session=data["session"],
                booking=booking,
                confidential=data["confidential"],
            )
        except ReceptionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Visit no. %(n)s has been entered in the reception book.") % {"n": visit.serial}
            )
            return redirect("reception:visit_detail", pk=visit.pk)
    return render(request, "reception/visit_form.html", {"form": form, "booking": booking})


OUTCOME_FORMS = {
    "guide": GuideForm,
    "forward": ForwardForm,
    "refuse": RefuseForm,
    "petition": RegisterPetitionForm,
    "follow_up": FollowUpForm,
}


def _saved(request, visit):
    messages.success(request, _("Saved."))
    return redirect("reception:visit_detail", pk=visit.pk)


def _run_guide(request, visit, data):
    services.visit_guide(visit=visit, actor=request.user, guidance=data["guidance"])
    return _saved(request, visit)


def _run_forward(request, visit, data):
    services.visit_forward(
        visit=visit, actor=request.user, to_unit=data["to_unit"], to_body=data["to_body"], note=data["note"]
    )
    return _saved(request, visit)


def _run_refuse(request, visit, data):
    services.visit_refuse(visit=visit, actor=request.user, reason=data["reason"], detail=data["detail"])
    messages.success(request, _("The refusal has been recorded. Print the refusal notice for the citizen."))
    return redirect("reception:refusal_notice", pk=visit.pk)


def _run_petition(request, visit, data):
    petition, access_key = services.visit_register_petition(
        visit=visit, actor=request.user, kind=data["kind"], title=data["title"]
    )
    # The receipt page reads the code and key from the session: the key never goes in an address.
    request.session["filed"] = {"code": petition.tracking_code, "key": access_key, "email": False}
    messages.success(
        request,
        format_html(
            '{} <a href="{}" class="alert-link" data-testid="receipt-link">{}</a>',
            _(
                "Petition %(code)s has been registered. Access key for the citizen: %(key)s. It is not "
                "shown again: print the receipt and hand it to the citizen."
            )
            % {"code": petition.tracking_code, "key": access_key},
            reverse("petitions:receipt"),
            _("Print the receipt"),
        ),
    )
    return redirect("reception:visit_detail", pk=visit.pk)


def _run_follow_up(request, visit, data):
    services.visit_update_follow_up(visit=visit, actor=request.user, follow_up=data["follow_up"], notes=data["notes"])
    return _saved(request, visit)


# One row per outcome form: the service call and where the officer goes next (reception/workflow.py
# holds the states each outcome may leave from).
OUTCOME_RUNS = {
    "guide": _run_guide,
    "forward": _run_forward,
    "refuse": _run_refuse,
    "petition": _run_petition,
    "follow_up": _run_follow_up,
}


def _outcome_form(name, visit, data=None):
    kwargs = {"prefix": name}
    if name == "forward":
        kwargs["visit"] = visit
    if name == "follow_up" and data is None:
        kwargs["initial"] = {"follow_up": visit.follow_up, "notes": visit.notes}
    if name == "petition" and data is None:
        kwargs["initial"] = {"kind": visit.petition_kind or None, "title": visit.content[:200].split("\n")[0]}
    return OUTCOME_FORMS[name](data, **kwargs)


def _render_visit(request, visit, *, bound=None, revealed=None, reveal_form=None, answer_form=None):
    can_write = services_can_write(request.user, visit.unit_id)
    forms = {}
    if can_write:
        names = ["follow_up"] + (["guide", "petition", "forward", "refuse"] if visit.outcome == Outcome.PENDING else [])
        forms = {name: _outcome_form(name, visit) for name in names}
        if bound is not None:
            forms[bound[0]] = bound[1]
    show_identity = selectors.identity_visible(request.user, visit)
    returning = (
        selectors.returning_citizen(request.user, visit.id_number, exclude_visit=visit.pk)
        if show_identity and visit.id_number
        else None
    )
    conclusion = selectors.conclusion_for_visit(visit)
    answer = getattr(conclusion, "written_answer", None) if conclusion else None
    can_answer = conclusion is not None and answer is None and can_write
    can_reveal = visit.is_protected and access.may(request.user, "reception.reveal_identity", visit)
    return render(
        request,
        "reception/visit_detail.html",
        {
            "visit": visit,
            "can_reveal": can_reveal,
            "reveal_form": reveal_form or (VisitRevealForm() if can_reveal else None),
            "revealed": revealed,
            "reveals": selectors.visit_identity_reveals(visit) if can_reveal else [],
            "forms": forms,
            "bound_name": bound[0] if bound else None,
            "representatives": list(visit.representatives.all()) if show_identity else [],
            "show_identity": show_identity,
            "returning": returning,
            "conclusion": conclusion,
            "answer": answer,
            "written_notice": selectors.written_notice_deadline(conclusion) if conclusion else None,
            "answer_form": answer_form or (WrittenAnswerForm() if can_answer else None),
            "can_conclude": conclusion is None and access.may(request.user, "reception.conclude", visit),
        },
    )


@reception_staff
def visit_detail(request, pk):
    return _render_visit(request, selectors.visit_detail(request.user, pk))


@reception_staff
@require_POST
def visit_outcome(request, pk, name):
    if name not in OUTCOME_FORMS:
        raise Http404
    visit = selectors.visit_detail(request.user, pk)
    access.require(request.user, "reception.write", visit)
    form = _outcome_form(name, visit, request.POST)
    if form.is_valid():
        try:
            response = OUTCOME_RUNS[name](request, visit, form.cleaned_data)
        except ReceptionError as exc:
            form.add_error(None, str(exc))
        else:
            return response
    messages.error(request, _("Nothing was saved. See the message below."))
    visit = selectors.visit_detail(request.user, pk)
    return _render_visit(request, visit, bound=(name, form))


@reception_staff
@require_POST
@never_cache
def visit_reveal(request, pk):
    """Show a protected visitor's identity in this one response, after logging who asked and why."""
    visit = selectors.visit_detail(request.user, pk)
    access.require(request.user, "reception.reveal_identity", visit)
    form = VisitRevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = services.visit_identity_reveal(
                visit=visit, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ReceptionError as exc:
            form.add_error(None, str(exc))
    response = _render_visit(request, visit, revealed=revealed, reveal_form=form if form.errors else None)
    if form.errors:
        response.status_code = 400
    return response


@reception_staff
def refusal_notice(request, pk):
    visit = selectors.visit_detail(request.user, pk)
    if visit.outcome != Outcome.REFUSED:
        raise Http404
    return render(
        request,
        "reception/refusal_notice.html",
        {"visit": visit, "head": selectors.head_on_date(visit.unit, visit.visited_on)},
    )


@reception_staff
def conclusion_create(request, pk):
    visit = selectors.visit_detail(request.user, pk)
    access.require(request.user, "reception.conclude", visit)
    form = ConclusionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conclusion_record(
                visit=visit,
                actor=request.user,
                direction=form.cleaned_data["direction"],
                text=form.cleaned_data["text"],
            )
        except ReceptionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your conclusion has been recorded."))
            return redirect("reception:visit_detail", pk=visit.pk)
    return render(request, "reception/conclusion_form.html", {"visit": visit, "form": form})


@reception_staff
@require_POST
def written_answer_create(request, pk):
    visit = selectors.visit_detail(request.user, pk)
    access.require(request.user, "reception.write", visit)
    conclusion = selectors.conclusion_for_visit(visit)
    if conclusion is None:
        raise Http404
    form = WrittenAnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.written_answer_record(
                conclusion=conclusion,
                actor=request.user,
                answered_on=data["answered_on"],
                text=data["text"],
                reference=data["reference"],
            )
        except ReceptionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The written answer has been recorded. Print the letter for the citizen."))
            return redirect("reception:visit_detail", pk=visit.pk)
    messages.error(request, _("Nothing was saved. See the message below."))
    response = _render_visit(request, visit, answer_form=form)
    response.status_code = 400
    return response


@reception_staff
def written_answer_letter(request, pk):
    """The written answer as a printable letter (layout of Decree 30/2020/NĐ-CP on administrative documents)."""
    visit = selectors.visit_detail(request.user, pk)
    conclusion = selectors.conclusion_for_visit(visit)
    answer = getattr(conclusion, "written_answer", None) if conclusion else None
    if answer is None:
        raise Http404
    return render(
        request,
        "reception/written_answer_letter.html",
        {"visit": visit, "conclusion": conclusion, "answer": answer, "session": visit.session},
    )


@reception_staff
def answers_due(request):
    """The head's own list of written answers still owed after their receptions (Reg. 11)."""
    rows = selectors.written_answers_due(request.user)
    return render(
        request,
        "reception/answers_due.html",
        {"rows": rows, "overdue": sum(1 for r in rows if r.is_overdue), "today": timezone.localdate()},
    )


@reception_staff
def citizen_lookup(request):
    """A returning citizen, by ID number (sent by POST so the number stays out of URLs and logs)."""
    form = CitizenLookupForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = selectors.returning_citizen(request.user, form.cleaned_data["id_number"])
    template = "reception/_citizen_lookup.html" if request.htmx else "reception/citizen_lookup.html"
    return render(request, template, {"form": form, "returning": result})


# --- Quotas -----------------------------------------------------------------------------------


@reception_staff
def quotas(request):
    today = timezone.localdate()
    form = MonthForm(request.GET or None, initial={"month": today.replace(day=1)})
    month = today.replace(day=1)
    if form.is_bound:
        if form.is_valid():
            month = form.cleaned_data["month"]
        else:
            messages.error(request, _("The month was not understood; showing the current month."))
    jurisdiction = jurisdiction_for(request.user)
    head_units = jurisdiction.by_role.get(Role.HEAD, frozenset())
    units = Unit.objects.filter(pk__in=selectors.readable_unit_ids(request.user)).order_by("path")
    rows = selectors.head_quotas(units, month.year, month.month)
    rows.sort(key=lambda q: (q.unit.pk not in head_units, q.unit.path))
    return render(
        request,
        "reception/quotas.html",
        {
            "form": form,
            "rows": rows,
            "month": month,
            "head_units": head_units,
            "shortfalls": sum(1 for q in rows if q.shortfall),
        },
    )
