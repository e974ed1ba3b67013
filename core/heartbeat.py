"""Heartbeats of periodic jobs and the dead-man's switch that alerts when one stops.

The sweep records each completed run (`sweep_completed`). `/readyz` fails when the last success is
older than SWEEP_MAX_AGE_MINUTES, and `heartbeat_check` (beat, every minute) alerts the
administrators through the notification outbox, once per silence, as healthchecks.io does for cron
jobs: a worker that died, a beat that stopped or a sweep that fails on every run all look the same
from here, and all need a person.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Heartbeat, Membership, Role, User
from .notifications import notify_many

SWEEP = "deadlines.sweep"


def sweep_completed(*, at: datetime.datetime | None = None) -> None:
    """Record a successful run; one UPSERT, safe from concurrent workers."""
    at = at or timezone.now()
    if not Heartbeat.objects.filter(name=SWEEP).update(last_success_at=at, alerted_at=None):
        try:
            with transaction.atomic():
                Heartbeat.objects.create(name=SWEEP, last_success_at=at)
        except IntegrityError:  # another worker created it meanwhile
            Heartbeat.objects.filter(name=SWEEP).update(last_success_at=at, alerted_at=None)


def sweep_age(*, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """How long ago the sweep last completed, or None if it never did."""
    last = Heartbeat.objects.filter(name=SWEEP).values_list("last_success_at", flat=True).first()
    return None if last is None else (now or timezone.now()) - last


def sweep_is_late(*, now: datetime.datetime | None = None) -> bool:
    age = sweep_age(now=now)
    return age is None or age > datetime.timedelta(minutes=settings.SWEEP_MAX_AGE_MINUTES)


def administrators() -> list[int]:
    return list(
        User.objects.filter(Q(is_superuser=True) | Q(pk__in=Membership.objects.filter(role=Role.ADMIN).values("user")))
        .filter(is_active=True)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def heartbeat_check(*, now: datetime.datetime | None = None) -> bool:
    """Alert the administrators once if the sweep is late; True if an alert was written."""
    now = now or timezone.now()
    beat, _created = Heartbeat.objects.select_for_update().get_or_create(name=SWEEP, defaults={"created_at": now})
    last = beat.last_success_at or beat.created_at
    if now - last <= datetime.timedelta(minutes=settings.SWEEP_MAX_AGE_MINUTES) or beat.alerted_at is not None:
        return False
    minutes = int((now - last).total_seconds() // 60)
    title = _("The deadline sweep has not completed for %(minutes)d minutes") % {"minutes": minutes}
    body = _(
        "Deadline warnings and escalations are not being sent. Check the Celery worker and beat processes "
        "and the worker's log; /readyz shows the same failure."
    )
    notify_many([(pk, title[:200], body, "") for pk in administrators()], now=now)
    beat.alerted_at = now
    beat.save(update_fields=["alerted_at"])
    return True
