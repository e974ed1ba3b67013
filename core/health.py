"""Probes for django-health-check: `/healthz` (the process answers) and `/readyz` (what it needs)."""

import dataclasses
import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from .heartbeat import sweep_age


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis, or the filesystem transport without it)."""

    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=2), repr=False)

    def run(self):
        from config.celery import app

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as exc:
            raise ServiceUnavailable("Broker unreachable") from exc


@dataclasses.dataclass
class Sweep(HealthCheck):
    """The deadline sweep completed less than SWEEP_MAX_AGE_MINUTES ago (core.heartbeat)."""

    async def run(self):
        # thread_sensitive: on the request's thread and database connection, not a pool thread's
        # connection that would stay open.
        age = await sync_to_async(sweep_age, thread_sensitive=True)()
        if age is None:
            raise ServiceUnavailable("The deadline sweep has never completed")
        if age > datetime.timedelta(minutes=settings.SWEEP_MAX_AGE_MINUTES):
            raise ServiceUnavailable(f"The deadline sweep last completed {int(age.total_seconds() // 60)} minutes ago")


alive = HealthCheckView.as_view(checks=[])
ready = HealthCheckView.as_view(
    checks=["health_check.checks.Database", "health_check.checks.Cache", "core.health.Broker", "core.health.Sweep"]
)
