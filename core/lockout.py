"""What a locked-out client sees (settings.AXES_LOCKOUT_CALLABLE): a page, or JSON under /api/."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        message = _("Too many failed log-in attempts. For your security, logging in is blocked for 15 minutes.")
        return JsonResponse({"detail": message}, status=settings.AXES_HTTP_RESPONSE_CODE)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=settings.AXES_HTTP_RESPONSE_CODE)
