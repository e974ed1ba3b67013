"""Notifications are outbox rows written in the caller's transaction; e-mail goes out after commit."""

import logging

from django.db import transaction

from .models import Notification

logger = logging.getLogger(__name__)


def notify(*, recipients, title: str, body: str = "", url: str = "") -> int:
    """Write one notification per distinct recipient; never put identity data in title or body."""
    rows = [Notification(recipient_id=pk, title=title[:200], body=body, url=url) for pk in {r.pk for r in recipients}]
    Notification.objects.bulk_create(rows)
    if rows:
        transaction.on_commit(enqueue_outbox)
    return len(rows)


def enqueue_outbox() -> None:
    """Ask a worker to send pending e-mails. If the broker is down the rows wait for the periodic sweep."""
    from .tasks import send_pending_emails

    try:
        send_pending_emails.apply_async(retry=False)
    except Exception as exc:  # the broker being unreachable must never fail the user's request
        logger.warning(
            "Broker unavailable (%s); pending notifications wait for the next outbox run", type(exc).__name__
        )
