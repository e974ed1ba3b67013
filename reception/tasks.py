import datetime

from celery import shared_task
from django.utils import timezone

from . import services

GENERATE_AHEAD = datetime.timedelta(weeks=8)


@shared_task(acks_late=True)
def generate_reception_sessions() -> int:
    """Keep eight weeks of regular sessions on the public calendar; idempotent."""
    return services.sessions_generate(until=timezone.localdate() + GENERATE_AHEAD)
