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


@pytest.mark.django_db(transaction=True)
def test_gunicorn_on_production_settings_serves_the_login_page_before_collectstatic(tmp_path):
    """The production path itself: gunicorn, production settings, an empty STATIC_ROOT."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    from cryptography.fernet import Fernet
    from django.db import connection

    from tests.faults.conftest import free_port

    port = free_port()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "production-test-" + "x" * 50,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "IDENTITY_INDEX_KEY": "test",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "empty-static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
        cwd=settings_dir().parents[1],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    request = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    try:
        status, body = None, ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                    status, body = response.status, response.read().decode()
                break
            except urllib.error.HTTPError as exc:
                status = exc.code
                break
            except OSError:
                time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert status == 200
    assert "/static/css/portal.css" in body
