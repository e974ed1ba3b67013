"""Every app's API lives under /api/v1/; each app adds its routes in its own api.py."""

from django.urls import include, path

urlpatterns: list = []
urlpatterns += [path("", include("deadlines.api"))]
