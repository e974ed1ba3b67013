"""The one access policy: `may(user, "petitions.accept", petition)` answers every "may this user see / do
this to that object?".

Permissions are named `<app>.<what>`; each app registers its predicates at `AppConfig.ready()` from
its own `policy.py` (the shape of django-rules' `add_perm`), so core imports no app. The predicates are
composed from a few facts: the user's roles per unit subtree (`core.selectors.jurisdiction_for`), the
current head term, an assignment. Views, API views, exports, menus and templates
(`{% if user|may:"petitions.register" %}`) all ask here, so a menu never offers what a POST refuses.

Denials: `require()` raises PermissionDenied (403) when the user may see the object but not do this;
`require_visible()` raises Http404 where existence must not leak (an object outside the jurisdiction).
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .selectors import jurisdiction_for

Predicate = Callable[[Any, Any], bool]

_PERMISSIONS: dict[str, Predicate] = {}


def register(name: str, predicate: Predicate) -> None:
    """Add a named permission; registering the same name twice with another predicate is a bug."""
    existing = _PERMISSIONS.get(name)
    if existing is not None and existing is not predicate:
        raise ValueError(f"permission {name!r} is already registered")
    _PERMISSIONS[name] = predicate


def registered() -> frozenset[str]:
    return frozenset(_PERMISSIONS)


def may(user: Any, name: str, obj: Any = None) -> bool:
    """Whether the user may `name` (on `obj`, where the permission is about an object)."""
    try:
        predicate = _PERMISSIONS[name]
    except KeyError:
        raise LookupError(f"unknown permission {name!r}: register it in the app's policy.py") from None
    if user is None or not user.is_authenticated:
        return False
    return bool(predicate(user, obj))


def require(user: Any, name: str, obj: Any = None) -> None:
    """403 unless allowed: for an object the user can already see (or no object at all)."""
    if not may(user, name, obj):
        raise PermissionDenied


def require_visible(user: Any, name: str, obj: Any = None) -> None:
    """404 unless allowed: the refusal must not tell whether the object exists."""
    if not may(user, name, obj):
        raise Http404


def drf_permission(name: str):
    """The same permission as a DRF permission class, for API views without an object."""
    from rest_framework.permissions import BasePermission

    class Permission(BasePermission):
        message = _("You are not allowed to use this endpoint.")

        def has_permission(self, request, view) -> bool:
            return may(request.user, name)

    Permission.__name__ = f"May_{name.replace('.', '_')}"
    return Permission


# --- Facts shared by every app's predicates ---------------------------------------------------------


def is_staff(user: Any, obj: Any = None) -> bool:
    return jurisdiction_for(user).is_staff


def has_role_somewhere(*roles: str) -> Predicate:
    def predicate(user: Any, obj: Any = None) -> bool:
        return jurisdiction_for(user).has_role(*roles)

    return predicate


register("core.staff", is_staff)
