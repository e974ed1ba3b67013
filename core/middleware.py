from django.conf import settings


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
