"""A citizen who filed without an account, with an e-mail address, is invited by e-mail (issue 12)."""

import pytest

from core.models import Notification
from tests.dialogues.conftest import schedule
from tests.factories import make_petition

pytestmark = pytest.mark.django_db


def test_an_invitation_reaches_a_citizen_without_an_account_by_email(org):
    petition = make_petition(org.commune, email="khach@example.test")
    Notification.objects.all().delete()
    schedule(org, [petition])
    row = Notification.objects.get(recipient=None)
    assert row.email == "khach@example.test" and petition.tracking_code in row.title
    assert row.url == f"/tra-cuu/?code={petition.tracking_code}"
