from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core import health

urlpatterns = [
    # Probes for the load balancer and the orchestrator (no session, no rate limit).
    path("healthz", health.alive, name="healthz"),
    path("readyz", health.ready, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("core.urls_accounts")),
    path("", include("core.urls")),
    # Before petitions: oversight now serves the staff overview at its old address (can-bo/).
    path("", include("oversight.urls")),
    path("", include("petitions.urls")),
    path("", include("reception.urls")),
    path("api/v1/", include("config.api_urls")),
    path("", include("deadlines.urls")),
    path("", include("dialogues.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
