"""Log-in lockout and throttle, and what a blocked client sees.

Two separate limits (docs/security.md):
- django-axes locks one (username, address) pair after AXES_FAILURE_LIMIT failures for
  AXES_COOLOFF_TIME: a guesser is stopped without locking the real user out from their own
  address, nor every colleague behind the same NAT.
- A slower per-user throttle ("login_user" in RATE_LIMITS, e.g. 20 failures an hour from any
  address) stops a guesser who spreads attempts over many addresses. It is counted in the rate-limit
  cache on every failed log-in and checked by UserThrottleBackend before the password is.
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .ratelimit import exceeded, hit, parse_rate


def _ident(username) -> str:
    return str(username or "").strip().lower()[:150]


@receiver(user_login_failed, dispatch_uid="core.lockout.count_user_failure")
def count_user_failure(sender, credentials, request=None, **kwargs):
    username = _ident(credentials.get("username"))
    if username:
        hit("login_user", username)


class UserThrottleBackend:
    """First in line after axes: refuses every log-in of a user whose throttle is used up."""

    def authenticate(self, request, username=None, **kwargs):
        if username and exceeded("login_user", _ident(username))[0]:
            if request is not None:
                # AxesMiddleware turns a marked request into the lockout response (lockout_response).
                request.axes_locked_out = True
                request.login_user_throttled = True
            raise PermissionDenied
        # No get_user(): this backend never logs anyone in, so no session may name it.
        return None


def lockout_response(request, original_response=None, credentials=None):
    if getattr(request, "login_user_throttled", False):
        _count, period = parse_rate(settings.RATE_LIMITS["login_user"])
        message = _(
            "Too many failed log-in attempts for this account. For its security, logging in is blocked "
            "for up to %(minutes)d minutes."
        ) % {"minutes": max(1, period // 60)}
    else:
        message = _("Too many failed log-in attempts. For your security, logging in is blocked for 15 minutes.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=settings.AXES_HTTP_RESPONSE_CODE)
    return render(
        request, settings.AXES_LOCKOUT_TEMPLATE, {"message": message}, status=settings.AXES_HTTP_RESPONSE_CODE
    )
