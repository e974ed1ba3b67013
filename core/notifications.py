"""Notifications are outbox rows written in the caller's transaction; e-mail goes out after commit."""

import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)


def notify(*, recipients, title: str, body: str = "", url: str = "") -> int:
    """Write one notification per distinct recipient; never put identity data in title or body."""
    rows = [(pk, title[:200], body, url) for pk in {r.pk for r in recipients}]
    notify_many(rows)
    return len(rows)


def notify_email(*, address: str, title: str, body: str = "", url: str = "", attachment: tuple | None = None) -> None:
    """An e-mail to an address with no account behind it (a citizen who filed without one).

    `attachment` is (file name, PDF bytes). The address and the file are stored encrypted.
    """
    import base64

    name, content = attachment or ("", b"")
    Notification.objects.create(
        email=address,
        title=title[:200],
        body=body,
        url=url,
        attachment_name=name,
        attachment=base64.b64encode(content).decode() if content else "",
    )
    transaction.on_commit(enqueue_outbox)


def enqueue_outbox() -> None:
    """Ask a worker to send pending e-mails. If the broker is down the rows wait for the periodic sweep."""
    from .tasks import send_pending_emails

    try:
        send_pending_emails.apply_async(retry=False)
    except Exception as exc:  # the broker being unreachable must never fail the user's request
        logger.warning(
            "Broker unavailable (%s); pending notifications wait for the next outbox run", type(exc).__name__
        )


def notify_many(rows: list[tuple], *, now: datetime.datetime | None = None) -> None:
    """Outbox rows (recipient id, title, body, url[, e-mail until]) for bulk work such as the deadline sweep.

    The optional fifth value is the last day the e-mail may go out (a "due soon" notice's due date).

    On PostgreSQL one INSERT ... SELECT unnest(...): building hundreds of thousands of model
    instances for bulk_create costs more than the database work itself.
    """
    if not rows:
        return
    now = now or timezone.now()
    rows = [row if len(row) == 5 else (*row, None) for row in rows]
    transaction.on_commit(enqueue_outbox)
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create(
            [
                Notification(recipient_id=r, title=t, body=b, url=u, email_until=e, created_at=now)
                for r, t, b, u, e in rows
            ],
            batch_size=2000,
        )
        return
    recipients, titles, bodies, urls, until = map(list, zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Notification._meta.db_table} "  # noqa: S608 - table name from the model
            "(recipient_id, title, body, url, email_until, created_at, email_status, email_attempts, "
            "digest_key, items) "
            "SELECT r, t, b, u, e, %s, %s, 0, '', '[]'::jsonb "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::date[]) AS x(r, t, b, u, e)",
            [now, Notification.EmailStatus.PENDING, recipients, titles, bodies, urls, until],
        )


def notify_digests(rows: list[tuple], *, now: datetime.datetime | None = None) -> None:
    """Digest rows (recipient id, title, body, url, digest key, items[, e-mail until]): one per recipient and key.

    A few hundred rows per sweep, so the ORM; a row whose (recipient, key) exists is skipped, which
    makes a repeated digest harmless even without the caller's own guard.
    """
    if not rows:
        return
    now = now or timezone.now()
    rows = [row if len(row) == 7 else (*row, None) for row in rows]
    transaction.on_commit(enqueue_outbox)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=r, title=t[:200], body=b, url=u, digest_key=k, items=i, email_until=e, created_at=now
            )
            for r, t, b, u, k, i, e in rows
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
