"""/healthz, /readyz and the dead-man's switch on the deadline sweep."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from core.heartbeat import heartbeat_check, sweep_completed
from core.models import Notification, User
from deadlines.tasks import sweep_deadlines

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user_(db):
    return User.objects.create_superuser("quantri", "quantri@example.test", "pass-1234")


def _failing(response) -> set[str]:
    return {line.split(":")[0] for line in response.content.decode().splitlines() if "OK" not in line}


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200


def test_readyz_checks_database_cache_broker_and_the_sweeps_age(client, private_redis, settings):
    settings.SWEEP_MAX_AGE_MINUTES = 15
    sweep_completed()
    ready = client.get("/readyz", HTTP_ACCEPT="text/plain")
    assert ready.status_code == 200, ready.content
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        late = client.get("/readyz", HTTP_ACCEPT="text/plain")
    assert late.status_code == 500 and "Sweep" in late.content.decode()
    private_redis.stop()
    down = client.get("/readyz", HTTP_ACCEPT="text/plain")
    assert down.status_code == 500
    text = down.content.decode()
    assert "Broker" in text and "Cache" in text


def test_readyz_fails_when_the_sweep_never_ran(client):
    response = client.get("/readyz", HTTP_ACCEPT="text/plain")
    assert response.status_code == 500 and "Sweep" in response.content.decode()


def test_the_sweep_task_records_its_success(org):
    sweep_deadlines.apply()
    assert client_age_minutes() < 1


def client_age_minutes():
    from core.heartbeat import sweep_age

    return sweep_age().total_seconds() / 60


def test_the_dead_mans_switch_alerts_administrators_once_per_silence(admin_user_, org, settings):
    settings.SWEEP_MAX_AGE_MINUTES = 15
    start = timezone.now()
    sweep_completed(at=start)
    assert not heartbeat_check(now=start + datetime.timedelta(minutes=14))
    assert heartbeat_check(now=start + datetime.timedelta(minutes=16))
    alert = Notification.objects.get()
    assert alert.recipient == admin_user_ and alert.email_status == Notification.EmailStatus.PENDING
    assert "16" in alert.title
    # Once per silence, not every minute.
    assert not heartbeat_check(now=start + datetime.timedelta(minutes=17))
    # A completed sweep re-arms the switch.
    sweep_completed(at=start + datetime.timedelta(minutes=20))
    assert not heartbeat_check(now=start + datetime.timedelta(minutes=30))
    assert heartbeat_check(now=start + datetime.timedelta(minutes=40))
    assert Notification.objects.count() == 2
