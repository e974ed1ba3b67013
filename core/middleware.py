import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class VietnameseFirstMiddleware:
    """Vietnamese unless the user picked another language with the switch (the language cookie).

    Many Vietnamese users run browsers in English; a public authority's portal should still open
    in Vietnamese, so the browser's Accept-Language header is not used to choose the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (Django's SecurityMiddleware sets the other security headers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """The database connection lost mid-request (server restart, failover, network): a clear 503
    instead of a 500. ATOMIC_REQUESTS has already rolled the whole request back, so the user is told
    that nothing was saved and to try again. The page is rendered without the request context: the
    context processors would query the database that just went away."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError, connections

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable during %s %s: %s", request.method, request.path, type(exception).__name__)
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        message = _("The service is briefly unavailable and your request was not saved. Please try again in a minute.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
        response["Retry-After"] = "60"
        return response
