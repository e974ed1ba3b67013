"""Notifications that cannot be e-mailed are visible to the administrator, and a "due soon" e-mail
still queued once the deadline has passed is never sent (it is marked out of date instead)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from core.models import Notification
from core.notifications import notify_many
from core.services_outbox import outbox_send_pending
from deadlines.services_sweep import deadlines_sweep

from ..factories import make_petition
from .conftest import at

D = datetime.date
Status = Notification.EmailStatus
# A complaint received Monday 2 March 2026: processing due Monday 16 March, due soon from Wednesday 11.
RECEIVED = at(2026, 3, 2)


@pytest.fixture
def case(org):
    with time_machine.travel(RECEIVED, tick=False):
        petition = make_petition(org.commune)
    petition.handler = org.handler
    petition.save(update_fields=["handler"])
    Notification.objects.all().delete()
    return petition


def test_the_sweep_limits_a_due_soon_email_to_its_due_date(org, case):
    deadlines_sweep(today=D(2026, 3, 11))
    notices = Notification.objects.all()
    assert notices
    assert {n.email_until for n in notices} == {D(2026, 3, 16)}

    deadlines_sweep(today=D(2026, 3, 17))
    overdue = Notification.objects.exclude(email_until__isnull=False)
    assert overdue.exists(), "overdue notices are e-mailed whenever the outbox runs"


def test_a_due_soon_email_queued_past_the_due_date_is_not_sent(org, case):
    org.handler.email = "xuly@example.org"
    org.handler.save(update_fields=["email"])
    with time_machine.travel(at(2026, 3, 11, 8), tick=False):
        deadlines_sweep(today=D(2026, 3, 11))
    pending = Notification.objects.filter(recipient=org.handler, email_status=Status.PENDING)
    assert pending.exists()

    # The outbox was down until after the due date: the stale notice is skipped and marked.
    mail.outbox.clear()
    with time_machine.travel(at(2026, 3, 17, 9), tick=False):
        outbox_send_pending()
    assert not [m for m in mail.outbox if "xuly@example.org" in m.to]
    assert set(Notification.objects.filter(recipient=org.handler).values_list("email_status", flat=True)) == {
        Status.STALE
    }


def test_a_due_soon_email_sent_in_time_goes_out(org, case):
    org.handler.email = "xuly@example.org"
    org.handler.save(update_fields=["email"])
    with time_machine.travel(at(2026, 3, 11, 8), tick=False):
        deadlines_sweep(today=D(2026, 3, 11))
        outbox_send_pending()
    assert Notification.objects.filter(recipient=org.handler, email_status=Status.SENT).exists()
    assert any("xuly@example.org" in m.to for m in mail.outbox)


def test_a_recipient_without_address_is_shown_to_the_administrator(org, client):
    org.head.email = ""
    org.head.save(update_fields=["email"])
    notify_many([(org.head.pk, "Đơn KN-1: sắp đến hạn", "", "")])
    outbox_send_pending()
    assert Notification.objects.get(recipient=org.head).email_status == Status.SKIPPED

    admin_user = org.inspector
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin_user)
    index = client.get(reverse("admin:index"))
    assert b'data-testid="undelivered-emails"' in index.content
    link = index.context["undelivered_link"]
    listing = client.get(link)
    assert listing.status_code == 200
    assert "Đơn KN-1: sắp đến hạn" in listing.content.decode()
    assert client.get(reverse("admin:core_notification_changelist") + "?email_status__exact=skipped").status_code == 200


def test_no_count_when_every_email_went_out(org, client):
    org.inspector.is_staff = org.inspector.is_superuser = True
    org.inspector.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(org.inspector)
    assert b"undelivered-emails" not in client.get(reverse("admin:index")).content
