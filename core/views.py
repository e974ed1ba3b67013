from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import CitizenSignupForm
from .selectors import jurisdiction_for


def home(request):
    return render(request, "home.html")


@login_required
def after_login(request):
    """Staff land on their caseload, citizens on their own petitions."""
    if jurisdiction_for(request.user).is_staff:
        return redirect("petitions:dashboard")
    if request.user.is_staff:
        return redirect("admin:index")
    return redirect("petitions:mine")


def signup(request):
    form = CitizenSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.full_name = form.cleaned_data["full_name"]
        user.email = form.cleaned_data["email"]
        user.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your account has been created."))
        return redirect("petitions:mine")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def notifications(request):
    page = Paginator(request.user.notifications.all(), 25).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_mark_read(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")
