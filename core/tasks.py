from celery import shared_task

from . import services_outbox


@shared_task(acks_late=True)
def send_pending_emails() -> int:
    return services_outbox.outbox_send_pending()
