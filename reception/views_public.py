"""Citizens' pages: the reception calendar, booking a place, looking a booking up and cancelling it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.ratelimit import ratelimit
from core.selectors import jurisdiction_for

from . import selectors, services
from .forms import (
    BookingForm,
    BookingLookupForm,
    UnitFilterForm,
)
from .models import SessionStatus
from .services import ReceptionError, SessionFull
from .views_common import BOOKED_SESSION_KEY

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
