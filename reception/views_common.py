"""What the reception pages share: the staff gate, the period filter, paging."""

from django.contrib import messages
from django.utils.translation import gettext as _

from core import access
from core.decorators import staff_required

from . import selectors
from .forms import (
    PeriodFilterForm,
)

PAGE_SIZE = 25
BOOKED_SESSION_KEY = "reception_booked"


def reception_staff(view):
    """Staff with a reception role (reception officer, head, inspector, administrator) somewhere."""

    @staff_required
    def wrapper(request, *args, **kwargs):
        access.require(request.user, "reception.read")
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


def services_can_write(user, unit_id) -> bool:
    return access.may(user, "reception.write", unit_id)
