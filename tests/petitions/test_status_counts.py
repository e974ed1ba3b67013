"""The per-unit counts by state (StatusCount) that the staff overview reads, kept by triggers."""

import pytest
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from petitions import services
from petitions.models import Petition, StatusCount
from petitions.workflow import Status

from ..factories import make_petition

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="kept by PostgreSQL triggers")


def _counted():
    return {(c.unit_id, c.status): c.n for c in StatusCount.objects.all() if c.n}


def _actual():
    rows = Petition.objects.values("unit_id", "status").annotate(n=Count("*")).values_list("unit_id", "status", "n")
    return {(unit, status): n for unit, status, n in rows}


def test_the_counts_follow_filing_transitions_forwarding_and_bulk_updates(org, client):
    first, second, third = (make_petition(org.commune) for _ in range(3))
    make_petition(org.other_commune)
    assert _counted() == _actual() == {(org.commune.pk, Status.RECEIVED): 3, (org.other_commune.pk, Status.RECEIVED): 1}
    services.petition_accept(petition=first, actor=org.reception)
    services.petition_forward(
        petition=second, actor=org.reception, to_unit=org.department, reason="Không thuộc thẩm quyền"
    )
    services.petition_reject(petition=third, actor=org.reception, reason="Không đủ điều kiện")
    assert _counted() == _actual()
    assert _counted()[(org.department.pk, Status.RECEIVED)] == 1  # the forwarded copy
    # A bulk change of state and a bulk change of unit, as raw SQL or a queryset would make them.
    Petition.objects.filter(unit=org.other_commune).update(status=Status.CLOSED)
    Petition.objects.filter(unit=org.department).update(unit=org.other_commune)
    assert _counted() == _actual()
    Petition.objects.filter(pk=third.pk).update(title="Sửa tiêu đề")  # no state or unit: nothing written
    assert _counted() == _actual()
    client.force_login(org.head)
    by_status = {status: n for status, _label, n in client.get(reverse("oversight:overview")).context["by_status"]}
    assert by_status[Status.ACCEPTED] == 1 and by_status[Status.REJECTED] == 1 and by_status[Status.RECEIVED] == 0
