"""The sweep as a Celery task on a real worker, and filing while the broker is down."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from config.celery import app
from core.models import Notification
from core.services_outbox import outbox_send_pending
from deadlines.models import Escalation
from deadlines.tasks import sweep_deadlines

from ..factories import make_petition

REDIS_URL = os.environ.get("REDIS_URL", "")


def _use_broker(url: str) -> str:
    """Point the app at another broker and drop the pooled connections to the old one."""
    previous = app.conf.broker_url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    return previous


@pytest.fixture
def redis_app():
    """The project's Celery app pointed at the local Redis (CI sets REDIS_URL)."""
    if not REDIS_URL.startswith("redis://"):
        pytest.skip("needs the local Redis (REDIS_URL); CI sets it")
    previous = _use_broker(REDIS_URL)
    yield app
    _use_broker(previous)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_sweep(redis_app, org, rules):
    petition = make_petition(org.commune)
    # Received long ago: every deadline is long overdue today.
    petition.deadlines.update(
        due_soon_from=timezone.localdate().replace(year=2020),
        due_date=timezone.localdate().replace(year=2020),
        long_overdue_after=timezone.localdate().replace(year=2020),
    )
    with start_worker(redis_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sweep_deadlines.delay()
        deadline = time.monotonic() + 30
        while Escalation.objects.count() < 6 and time.monotonic() < deadline:
            time.sleep(0.1)  # waiting on another process's work, not controlling time
    assert Escalation.objects.filter(deadline__petition=petition).count() == 6


@pytest.fixture
def broker_down():
    """The broker URL points at a closed port, as when Redis is stopped."""
    previous = _use_broker("redis://127.0.0.1:9/0")
    yield
    _use_broker(previous)


def test_filing_succeeds_while_the_broker_is_down_and_mail_goes_out_later(
    broker_down, org, rules, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        petition = make_petition(org.commune)
    assert petition.tracking_code
    assert time.monotonic() - started < 10
    pending = Notification.objects.filter(email_status=Notification.EmailStatus.PENDING)
    assert list(pending.values_list("recipient", flat=True)) == [org.reception.pk]
    assert mail.outbox == []
    # The broker is back: the periodic outbox run (beat, every minute) sends what was waiting.
    assert outbox_send_pending() == 1
    assert [m.to for m in mail.outbox] == [[org.reception.email]]
