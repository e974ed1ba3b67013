"""Staff pages on sessions and their bookings: the list, an ad-hoc session, the holder, cancelling, booking actions."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import access
from core.models import Role
from core.selectors import staff_of_unit

from . import selectors, services
from .forms import (
    AdHocSessionForm,
    BookingMessageForm,
    BookingMoveForm,
    HolderForm,
    PeriodFilterForm,
    SessionCancelForm,
)
from .models import ACTIVE_BOOKING_STATUSES, SessionStatus
from .services import ReceptionError
from .views_common import (
    PAGE_SIZE,
    _announce_filter_errors,
    _period_form,
    reception_staff,
    services_can_write,
)

# --- Staff: sessions and bookings -------------------------------------------------------------


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
        {"form": form, "page": page, "can_create": access.may(request.user, "reception.write")},
    )


@reception_staff
def session_create(request):
    access.require(request.user, "reception.write")
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


@reception_staff
def session_detail(request, pk):
    return _render_session(request, selectors.session_detail(request.user, pk))


@reception_staff
@require_POST
def session_holder(request, pk):
    session = selectors.session_detail(request.user, pk)
    access.require(request.user, "reception.write", session)
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
    access.require(request.user, "reception.write", session)
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
    access.require(request.user, "reception.write", session)
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
