import base64
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH = 200


def outbox_send_pending(*, batch: int = BATCH) -> int:
    """Send pending e-mails. Rows are locked with SKIP LOCKED so several workers never send one twice.

    A failed send stays pending (up to MAX_ATTEMPTS) for the next run instead of blocking this one.
    """
    Status = Notification.EmailStatus
    sent, last_id = 0, 0
    today = timezone.localdate()
    while True:
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(email_status=Status.PENDING, id__gt=last_id)
                .select_related("recipient")
                .order_by("id")[:batch]
            )
            if not rows:
                return sent
            last_id = rows[-1].pk
            for row in rows:
                if row.email_until and row.email_until < today:
                    # A "due soon" notice queued while the outbox was down must not arrive once the
                    # case is overdue: the sweep's overdue notice says what is true now.
                    row.email_status = Status.STALE
                    continue
                address = row.recipient.email if row.recipient_id else row.email
                if not address:
                    # Visible to the administrator (admin filter and index count), not silently lost.
                    logger.warning("Notification %s not e-mailed: no address", row.pk)
                    row.email_status = Status.SKIPPED
                    continue
                try:
                    _message(row, address).send()
                except Exception:  # SMTP failures are retried by the next run
                    logger.warning("E-mail for notification %s failed", row.pk)
                    row.email_attempts += 1
                    row.email_status = Status.FAILED if row.email_attempts >= MAX_ATTEMPTS else Status.PENDING
                    continue
                row.email_status, row.emailed_at = Status.SENT, timezone.now()
                row.attachment = ""  # the receipt holds an access key: it is not kept once delivered
                sent += 1
            Notification.objects.bulk_update(rows, ["email_status", "email_attempts", "emailed_at", "attachment"])


def _message(row: Notification, address: str) -> EmailMessage:
    body = row.body
    if row.url:
        # Every message carries a working link; the worker has no request, so the base is configured.
        link = row.url if row.url.startswith("http") else settings.PUBLIC_BASE_URL.rstrip("/") + row.url
        body = f"{body}\n\n{link}" if body else link
    message = EmailMessage(row.title, body, settings.DEFAULT_FROM_EMAIL, [address])
    if row.attachment:
        message.attach(row.attachment_name or "tep.pdf", base64.b64decode(row.attachment), "application/pdf")
    return message
