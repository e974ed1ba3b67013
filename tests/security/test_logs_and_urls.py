"""Finding 6: masking on every log handler, the server's access logs included; no ID numbers or
access keys in addresses."""

import contextlib
import io
import logging
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from core.masking import IdentityMaskingFilter, mask_identifiers
from tests.factories import make_petition
from tests.faults.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_access_keys_in_query_strings_are_masked():
    line = '"GET /tra-cuu/?code=7KQ2-M9XD-3H&key=ABCD1234EF HTTP/1.1" 302 0'
    masked = mask_identifiers(line)
    assert "ABCD1234EF" not in masked and "7KQ2-M9XD-3H" in masked


def test_every_configured_handler_masks():
    loggers = [
        logging.getLogger(),
        *(lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    # pytest's own capture handlers come and go per test and NullHandlers write nothing; every
    # other handler must mask.
    handlers = [
        h
        for lg in loggers
        for h in lg.handlers
        if not type(h).__module__.startswith("_pytest") and not isinstance(h, logging.NullHandler)
    ]
    assert handlers
    for handler in handlers:
        assert any(isinstance(f, IdentityMaskingFilter) for f in handler.filters), handler


def test_runservers_access_log_is_masked():
    handler = logging.getLogger("django.server").handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("django.server").info(
            '"%s" %s %s',
            "GET /can-bo/don/?q=001085012345&key=SECRETKEY1 HTTP/1.1",
            "200",
            "512",
            extra={"status_code": 200, "request": None},
        )
    finally:
        handler.setStream(previous)
    line = stream.getvalue()
    assert "/can-bo/don/" in line
    assert "001085012345" not in line and "SECRETKEY1" not in line


@pytest.mark.django_db(transaction=True)
def test_gunicorns_access_log_is_masked(org, tmp_path):
    port = free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    from django.db import connection

    env["DATABASE_URL"] = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "--access-logfile", str(log)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        for path in ("/tra-cuu/?code=7KQ2-M9XD-3H&key=SECRETKEY1", "/can-bo/don/?q=001085012345"):
            # Redirects to the log-in page and the like do not matter here, only the log line.
            with contextlib.suppress(Exception):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text()
    assert "/tra-cuu/" in text and "/can-bo/don/" in text
    assert "SECRETKEY1" not in text and "001085012345" not in text


def test_staff_search_by_id_number_never_puts_it_in_the_address(client, org):
    complaint = make_petition(org.commune, id_number="001085012345")
    client.force_login(org.reception)
    response = client.post(reverse("petitions:list"), {"q": "001085012345", "status": ["received"]})
    assert response.status_code == 302
    location = response["Location"]
    assert "001085012345" not in location and "q=~" in location and "status=received" in location
    page = client.get(location)
    assert list(page.context["page"]) == [complaint]
    assert "001085012345" not in page.content.decode()
    # An old link with the digits is redirected to the digest.
    old = client.get(reverse("petitions:list"), {"q": "001085012345"})
    assert old.status_code == 302 and "001085012345" not in old["Location"]
    # Text searches stay readable.
    text = client.post(reverse("petitions:list"), {"q": "đất đai"})
    assert "q=%C4%91%E1%BA%A5t" in text["Location"]


def test_celery_workers_handlers_get_the_filter():
    from config.celery import mask_worker_logs

    logger = logging.getLogger("celery.test-masking")
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    try:
        mask_worker_logs(logger=logger)
        assert any(isinstance(f, IdentityMaskingFilter) for f in handler.filters)
    finally:
        logger.removeHandler(handler)
