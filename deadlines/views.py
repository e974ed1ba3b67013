from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import staff_required
from core.selectors import jurisdiction_for

from . import selectors, services
from .forms import CalculatorForm, ExtendForm
from .models import Deadline


def calculator(request):
    """Public: anyone picks a rule, a start date and the variants and sees the due date. Works without JS."""
    form = CalculatorForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = form.calculate()
    return render(request, "deadlines/calculator.html", {"form": form, "result": result})


@staff_required
@require_POST
def extend(request, pk):
    deadline = get_object_or_404(Deadline.objects.select_related("petition", "rule"), pk=pk)
    # Out of jurisdiction looks like "not found", as for petitions.
    if deadline.petition.unit_id not in jurisdiction_for(request.user).unit_ids:
        raise PermissionDenied
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            extension = services.deadline_extend(
                deadline=deadline, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.DeadlineError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The deadline was extended to %(date)s.") % {"date": f"{extension.new_due_date:%d/%m/%Y}"}
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("petitions:detail", deadline.petition_id)


@login_required
def digest(request, key):
    """The whole list of a sweep digest: the recipient's own notification only, 50 cases a page."""
    notifications = request.user.notifications.only("id", "title", "created_at", "items")
    notification = get_object_or_404(notifications, digest_key=key)
    page = Paginator(notification.items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "deadlines/digest.html",
        {"notification": notification, "page": page, "cases": selectors.digest_cases(list(page))},
    )
