"""Finding 8: production settings without collectstatic must not answer 500 on the log-in page."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils.functional import empty

PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.storage.StaticFilesStorage"},
}


@pytest.fixture
def production_static(settings, tmp_path):
    settings.STORAGES = PRODUCTION_STATIC
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.DEBUG = False
    staticfiles_storage._wrapped = empty  # rebuilt from the new settings
    yield settings.STATIC_ROOT
    staticfiles_storage._wrapped = empty


def test_the_login_page_renders_before_collectstatic(client, db, production_static):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "/static/css/portal.css" in response.content.decode()


def test_after_collectstatic_pages_link_hashed_files(client, db, production_static):
    # Only the project's own files: compressing every app's (Swagger UI, admin) takes minutes.
    call_command(
        "collectstatic",
        interactive=False,
        verbosity=0,
        ignore_patterns=["admin", "drf_spectacular_sidecar", "rest_framework", "django_*", "debug_toolbar"],
    )
    staticfiles_storage._wrapped = empty
    html = client.get(reverse("login")).content.decode()
    assert "/static/css/portal.css" not in html and "/static/css/portal." in html


def test_production_settings_use_the_forgiving_storage():
    # Read, not imported: production settings demand secrets from the environment.
    assert '"core.storage.StaticFilesStorage"' in (settings_dir() / "production.py").read_text()


def settings_dir():
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "config" / "settings"
