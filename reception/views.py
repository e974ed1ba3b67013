import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.decorators import staff_required
from core.models import Role, Unit
from core.ratelimit import ratelimit
from core.selectors import jurisdiction_for, staff_of_unit

from . import exports, selectors, services
from .forms import (
    AdHocSessionForm,
    BookingForm,
    BookingLookupForm,
    BookingMessageForm,
    BookingMoveForm,
    CitizenLookupForm,
    ConclusionForm,
    FollowUpForm,
    ForwardForm,
    GuideForm,
    HolderForm,
    MonthForm,
    PeriodFilterForm,
    RefuseForm,
    RegisterPetitionForm,
    SessionCancelForm,
    UnitFilterForm,
    VisitForm,
    VisitRevealForm,
    WrittenAnswerForm,
)
from .models import ACTIVE_BOOKING_STATUSES, Outcome, SessionStatus
from .services import ReceptionError, SessionFull

PAGE_SIZE = 25
BOOKED_SESSION_KEY = "reception_booked"


# --- Public -----------------------------------------------------------------------------------


def calendar(request):
    """Upcoming reception sessions, per unit; works without JavaScript."""
    form = UnitFilterForm(request.GET or None)
    unit = form.cleaned_data["unit"] if form.is_bound and form.is_valid() else None
    page = Paginator(selectors.public_sessions(unit=unit), 50).get_page(request.GET.get("page"))
    return render(request, "reception/calendar.html", {"form": form, "page": page, "unit": unit})


@ratelimit(key="booking")
def session_book(request, pk):
    session = selectors.public_session(pk)
    form = BookingForm(request.POST or None)
    problem = None
    if session.status != SessionStatus.PLANNED or session.starts_at <= timezone.now():
        problem = _("This session is no longer open for booking. Choose one of the next sessions.")
    elif session.capacity - session.booked <= 0:
        problem = _("This session is full. Choose one of the next sessions.")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        is_citizen = request.user.is_authenticated and not jurisdiction_for(request.user).is_staff
        try:
            booking = services.booking_create(
                session_id=session.pk,
                full_name=data["full_name"],
                phone=data["phone"],
                id_number=data["id_number"],
                summary=data["summary"],
                people_count=data["people_count"],
                citizen=request.user if is_citizen else None,
            )
        except SessionFull as exc:
            problem = _("%(error)s Choose one of the next sessions; what you typed is kept.") % {"error": exc}
        except ReceptionError as exc:
            form.add_error(None, str(exc))
        else:
            request.session[BOOKED_SESSION_KEY] = booking.confirmation_code
            return redirect("reception:booked")
    if problem and not form.errors:
        form.add_error(None, problem)
    people = (getattr(form, "cleaned_data", None) or {}).get("people_count") or 1
    alternatives = (
        selectors.next_open_sessions(unit_id=session.unit_id, after=session, people_count=people) if problem else []
    )
    return render(
        request,
        "reception/book.html",
        {"session": session, "form": form, "alternatives": alternatives, "closed": bool(problem)},
        status=200,
    )


def booked(request):
    code = request.session.get(BOOKED_SESSION_KEY)
    booking = selectors.booking_by_code(code) if code else None
    if booking is None:
        return redirect("reception:booking_lookup")
    return render(request, "reception/booked.html", {"booking": booking})


@ratelimit(key="track", methods=("GET",))
def booking_lookup(request):
    """The citizen checks a booking (and the staff's message) with the confirmation code."""
    form = BookingLookupForm(request.GET or None)
    booking = None
    if form.is_bound and form.is_valid():
        booking = selectors.booking_by_code(form.cleaned_data["code"])
        if booking is None:
            form.add_error("code", _("No booking has this confirmation code. Check it and try again."))
    return render(
        request,
        "reception/booking_lookup.html",
        {"form": form, "booking": booking, "can_cancel": booking is not None and booking.is_active},
    )


@ratelimit(key="booking")
@require_POST
def booking_cancel(request):
    form = BookingLookupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the confirmation code."))
        return redirect("reception:booking_lookup")
    code = form.cleaned_data["code"]
    try:
        services.booking_cancel(code=code)
    except ReceptionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your booking has been cancelled."))
    return redirect(f"{reverse('reception:booking_lookup')}?{urlencode({'code': code})}")


# --- Staff: sessions and bookings -------------------------------------------------------------


def reception_staff(view):
    """Staff with a reception role (reception officer, head, inspector, administrator) somewhere."""

    @staff_required
    def wrapper(request, *args, **kwargs):
        if not selectors.can_read_reception(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _period_form(request):
    form = PeriodFilterForm(request.GET or None, units=selectors.units_for_reception(request.user))
    return form, form.filters()


def _announce_filter_errors(request, form):
    if form.is_bound and form.errors:
        messages.error(request, _("Some filters were not understood and were ignored: see below."))


@reception_staff
def session_list(request):
    form, filters = _period_form(request)
    _announce_filter_errors(request, form)
    if not request.GET:
        filters = {"date_from": timezone.localdate() - datetime.timedelta(days=7)}
        form = PeriodFilterForm(initial=filters, units=selectors.units_for_reception(request.user))
    sessions = selectors.sessions_for(request.user, **filters).order_by("date", "start_time", "unit__name")
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reception/session_list.html",
        {"form": form, "page": page, "can_create": bool(selectors.writable_unit_ids(request.user))},
    )


@reception_staff
def session_create(request):
    units = selectors.units_for_reception(request.user, writable=True)
    form = AdHocSessionForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create_ad_hoc(actor=request.user, **form.cleaned_data)
        except ReceptionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The ad-hoc session has been created."))
            return redirect("reception:session_detail", pk=session.pk)
    return render(request, "reception/session_form.html", {"form": form})


def _holder_choices(session):
    return staff_of_unit([session.unit_id], [Role.HEAD, Role.RECEPTION, Role.HANDLER]).order_by("full_name")


def _render_session(request, session, *, bound=None, status=200):
    can_write = services_can_write(request.user, session.unit_id)
    bookings = selectors.session_bookings(session)
    move_targets = selectors.move_targets(request.user, session) if can_write else None
    forms = {}
    for booking in bookings:
        if not (can_write and booking.is_active):
            continue
        forms[booking.pk] = {
            "confirm": BookingMessageForm(prefix=f"confirm-{booking.pk}"),
            "decline": BookingMessageForm(prefix=f"decline-{booking.pk}", required=True),
            "move": BookingMoveForm(prefix=f"move-{booking.pk}", sessions=move_targets),
        }
    if bound is not None:
        booking_pk, action, form = bound
        forms.setdefault(booking_pk, {})[action] = form
    for booking in bookings:
        booking.action_forms = forms.get(booking.pk)
    context = {
        "session": session,
        "bookings": bookings,
        "visits": list(session.visits.select_related("petition", "conclusion").order_by("serial")),
        "can_write": can_write,
        "holder_form": HolderForm(staff=_holder_choices(session), initial={"held_by": session.held_by_id})
        if can_write and session.status != SessionStatus.CANCELLED
        else None,
        "cancel_form": SessionCancelForm() if can_write and session.status == SessionStatus.PLANNED else None,
        "is_holder": session.held_in_person and session.held_by_id == request.user.pk,
        "active_statuses": ACTIVE_BOOKING_STATUSES,
    }
    return render(request, "reception/session_detail.html", context, status=status)


def services_can_write(user, unit_id) -> bool:
    return jurisdiction_for(user).has_role(*services.WRITE_ROLES, unit_id=unit_id)


@reception_staff
def session_detail(request, pk):
    return _render_session(request, selectors.session_detail(request.user, pk))


@reception_staff
@require_POST
def session_holder(request, pk):
    session = selectors.session_detail(request.user, pk)
    form = HolderForm(request.POST, staff=_holder_choices(session))
    if form.is_valid():
        try:
            services.session_record_holder(session=session, actor=request.user, held_by=form.cleaned_data["held_by"])
        except ReceptionError as exc:
            messages.error(request, str(exc))
        else:
            if session.held_in_person:
                messages.success(request, _("Recorded: the head received citizens in person."))
            else:
                messages.success(request, _("Recorded: a delegate received citizens (not counted for the head)."))
    else:
        messages.error(request, _("Choose who received citizens."))
    return redirect("reception:session_detail", pk=pk)


@reception_staff
@require_POST
def session_cancel(request, pk):
    session = selectors.session_detail(request.user, pk)
    form = SessionCancelForm(request.POST)
    if form.is_valid():
        try:
            services.session_cancel(session=session, actor=request.user, message=form.cleaned_data["message"])
        except ReceptionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The session has been cancelled and its bookings declined."))
    else:
        messages.error(request, _("Write a message to the citizens who booked this session."))
    return redirect("reception:session_detail", pk=pk)


BOOKING_ACTIONS = ("confirm", "decline", "move")


@reception_staff
@require_POST
def booking_action(request, pk, action):
    if action not in BOOKING_ACTIONS:
        raise Http404
    booking = selectors.booking_detail(request.user, pk)
    session = booking.session
    prefix = f"{action}-{booking.pk}"
    if action == "move":
        form = BookingMoveForm(request.POST, prefix=prefix, sessions=selectors.move_targets(request.user, session))
    else:
        form = BookingMessageForm(request.POST, prefix=prefix, required=action == "decline")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "confirm":
                services.booking_confirm(booking=booking, actor=request.user, message=data["message"])
            elif action == "decline":
                services.booking_decline(booking=booking, actor=request.user, message=data["message"])
            else:
                services.booking_move(
                    booking=booking, actor=request.user, to_session=data["to_session"], message=data["message"]
                )
        except ReceptionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Booking %(code)s: %(status)s.")
                % {"code": booking.confirmation_code, "status": booking.get_status_display()},
            )
            return redirect("reception:session_detail", pk=session.pk)
    messages.error(request, _("The booking was not changed. See the message below."))
    session = selectors.session_detail(request.user, session.pk)
    return _render_session(request, session, bound=(booking.pk, action, form), status=200)


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
            "can_write": bool(selectors.writable_unit_ids(request.user)),
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
    units = selectors.units_for_reception(request.user, writable=True)
    if not units.exists():
        raise PermissionDenied
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
    can_reveal = visit.is_protected and services.may_reveal_visit_identity(user=request.user, visit=visit)
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
            "can_conclude": visit.session is not None
            and visit.session.held_in_person
            and visit.session.held_by_id == request.user.pk
            and conclusion is None,
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
    form = _outcome_form(name, visit, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if name == "guide":
                services.visit_guide(visit=visit, actor=request.user, guidance=data["guidance"])
            elif name == "forward":
                services.visit_forward(
                    visit=visit, actor=request.user, to_unit=data["to_unit"], to_body=data["to_body"], note=data["note"]
                )
            elif name == "refuse":
                services.visit_refuse(visit=visit, actor=request.user, reason=data["reason"], detail=data["detail"])
                messages.success(request, _("The refusal has been recorded. Print the refusal notice for the citizen."))
                return redirect("reception:refusal_notice", pk=visit.pk)
            elif name == "petition":
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
            else:
                services.visit_update_follow_up(
                    visit=visit, actor=request.user, follow_up=data["follow_up"], notes=data["notes"]
                )
        except ReceptionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("reception:visit_detail", pk=visit.pk)
    messages.error(request, _("Nothing was saved. See the message below."))
    visit = selectors.visit_detail(request.user, pk)
    return _render_visit(request, visit, bound=(name, form))


@reception_staff
@require_POST
@never_cache
def visit_reveal(request, pk):
    """Show a protected visitor's identity in this one response, after logging who asked and why."""
    visit = selectors.visit_detail(request.user, pk)
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
    template = "reception/_returning.html" if request.htmx else "reception/citizen_lookup.html"
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
