from celery import shared_task

from . import services_sweep


@shared_task(acks_late=True)
def sweep_deadlines() -> dict[int, int]:
    """Idempotent: a late, repeated or concurrent run only does what is still left to do."""
    return services_sweep.deadlines_sweep()
