from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from . import selectors
from .forms import CalculatorForm


def calculator(request):
    """Public: anyone picks a rule, a start date and the variants and sees the due date. Works without JS."""
    form = CalculatorForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = form.calculate()
    return render(request, "deadlines/calculator.html", {"form": form, "result": result})


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
