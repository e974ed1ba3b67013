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
