from celery import shared_task

from . import hotspots


@shared_task(acks_late=True)
def suggest_hotspots() -> int:
    """Idempotent: cases an existing hotspot (even a dismissed one) covers are not suggested again."""
    return len(hotspots.hotspots_suggest())
