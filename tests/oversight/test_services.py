import datetime

import pytest
import time_machine

from core.models import Notification
from deadlines.models import Deadline, Escalation, Level
from deadlines.services_sweep import deadlines_sweep
from oversight import services
from oversight.models import FindingHistory, FindingStatus
from oversight.services import OversightError

from .conftest import at


def _record(org, **kwargs):
    data = {
        "actor": org.inspector,
        "unit": org.commune,
        "kind": "violation",
        "title": "Không trả lời bằng văn bản",
        "description": "Sau buổi tiếp ngày 05/01.",
        "responsibility": "Người đứng đầu.",
        "remedy_required": "Trả lời công dân.",
        "remedy_due": datetime.date(2026, 1, 20),
    }
    return services.finding_record(**{**data, **kwargs})


def test_the_sweep_follows_up_and_escalates_a_finding(org, remedy_rule):
    with time_machine.travel(at("2026-01-06"), tick=False):
        finding = _record(org)
    deadline = Deadline.objects.get(subject_id=finding.pk, rule=remedy_rule)
    with time_machine.travel(at("2026-01-22"), tick=False):
        deadlines_sweep(today=datetime.date(2026, 1, 22))
    deadline.refresh_from_db()
    assert deadline.level == Level.OVERDUE
    assert Escalation.objects.filter(deadline=deadline, level=Level.OVERDUE).exists()
    assert Notification.objects.filter(recipient=org.head).exists()  # the owner: the head


def test_only_inspectors_record_findings(org, remedy_rule):
    with pytest.raises(OversightError):
        _record(org, actor=org.head)
    with pytest.raises(OversightError):
        _record(org, actor=org.inspector, unit=org.commune, title="  ")


def test_the_remedy_needs_a_note_and_the_head(org, remedy_rule):
    with time_machine.travel(at("2026-01-06"), tick=False):
        finding = _record(org)
        with pytest.raises(OversightError):
            services.finding_remedy(actor=org.head, finding=finding, note=" ")
        with pytest.raises(OversightError):
            services.finding_remedy(actor=org.inspector, finding=finding, note="Đã làm")
        services.finding_remedy(actor=org.head, finding=finding, note="Đã trả lời bằng văn bản")
        with pytest.raises(OversightError):
            services.finding_remedy(actor=org.head, finding=finding, note="Lần nữa")
    assert finding.status == FindingStatus.REMEDIED
    assert FindingHistory.objects.filter(finding=finding).count() == 2
    assert Deadline.objects.get(subject_id=finding.pk).closed_as == Deadline.ClosedAs.MET
