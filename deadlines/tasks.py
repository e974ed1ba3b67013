from celery import shared_task

from core.heartbeat import sweep_completed

from . import services_sweep


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sweep_deadlines(chunk: int | None = None) -> dict[int, int]:
    """Idempotent: a late, repeated or concurrent run only does what is still left to do.

    Acknowledged late: a worker killed mid-sweep leaves the message unacknowledged and the broker
    hands it out again after CELERY_VISIBILITY_TIMEOUT (the next beat run, 5 minutes later, would
    also finish the work). Each completed run is recorded for /readyz and the dead-man's switch.
    """
    counts = services_sweep.deadlines_sweep(**({"chunk": chunk} if chunk else {}))
    sweep_completed()
    return counts
