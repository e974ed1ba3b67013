from celery import shared_task

from . import heartbeat, services_outbox


@shared_task(acks_late=True)
def send_pending_emails() -> int:
    return services_outbox.outbox_send_pending()


@shared_task
def check_heartbeats() -> bool:
    """The dead-man's switch: alert the administrators if the deadline sweep stopped completing."""
    return heartbeat.heartbeat_check()
