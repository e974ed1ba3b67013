"""Every app's API lives under /api/v1/; each app adds its routes in its own api.py."""

from csp.decorators import csp_exempt
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

urlpatterns: list = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api-schema"),
    # Swagger UI runs an inline script and inline styles; the CSP is lifted for this one page only.
    path(
        "docs/",
        csp_exempt()(SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[AllowAny])),
        name="api-docs",
    ),
    path("", include("petitions.api")),
]
urlpatterns += [path("", include("deadlines.api")), path("", include("reception.api"))]
urlpatterns += [path("", include("oversight.api"))]
