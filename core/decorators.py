from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .selectors import jurisdiction_for


def staff_required(view):
    """Logged in and a member of at least one unit; object-level checks happen in the selectors."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not jurisdiction_for(request.user).is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
