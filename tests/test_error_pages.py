"""`make run` (config.settings.local) shows the portal's own Vietnamese error pages, not Django's
debug pages: DEBUG is off unless DJANGO_DEBUG asks for it, and static files are still served."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse


def _local_setting(expr: str, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", **env})
    code = f"import django; django.setup(); from django.conf import settings; print({expr})"
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=environment, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_local_settings_debug_only_when_asked():
    assert _local_setting("settings.DEBUG") == "False"
    assert _local_setting("settings.DEBUG", DJANGO_DEBUG="1") == "True"
    assert _local_setting("settings.WHITENOISE_USE_FINDERS") == "True"


def test_run_script_serves_static_files_without_debug():
    script = (settings.BASE_DIR / "scripts" / "run-all.sh").read_text()
    assert "runserver --insecure" in script


@pytest.mark.django_db
@override_settings(DEBUG=False)
@pytest.mark.parametrize("url", ["/khong-co-trang-nay/", "/gui-don/khong-co/"])
def test_404_is_the_portals_vietnamese_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    content = response.content.decode()
    assert "Không tìm thấy trang" in content or "Không tìm thấy" in content
    assert "URLconf" not in content
    assert "favicon.svg" in content


@pytest.mark.django_db
def test_500_page_is_vietnamese_and_standalone():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert 'lang="vi"' in page
    assert "Đã xảy ra lỗi" in page


@pytest.mark.django_db
def test_favicon_is_linked_and_served(client):
    response = client.get(reverse("home"))
    assert 'rel="icon"' in response.content.decode()
    assert (settings.BASE_DIR / "static" / "img" / "favicon.svg").exists()
