import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_petition

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style|\sstyle\s*=", re.IGNORECASE)


def test_pages_send_the_security_headers(client, db):
    response = client.get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


@pytest.mark.parametrize(
    "name", ["home", "petitions:create", "petitions:track", "login", "petitions:list", "petitions:register"]
)
def test_pages_have_nothing_inline_that_the_csp_would_block(client, org, name):
    client.force_login(org.head)
    html = client.get(reverse(name)).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_HANDLER.search(html)
    assert not INLINE_STYLE.search(html)


def test_the_detail_page_has_nothing_inline(client, org):
    petition = make_petition(org.commune)
    client.force_login(org.head)
    html = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html) and not INLINE_STYLE.search(html)


def test_no_template_has_inline_scripts_or_styles():
    offenders = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text) or INLINE_STYLE.search(text):
            offenders.append(str(template))
    assert offenders == []


def test_the_api_sends_the_headers_too(client, db):
    response = client.get(reverse("api-statistics"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
