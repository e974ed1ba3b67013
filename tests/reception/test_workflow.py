"""Sessions and visit outcomes move along one table each (reception/workflow.py) and leave history rows."""

import pytest

from core import access
from reception import services
from reception.models import Outcome, SessionHistory, SessionStatus, VisitHistory
from reception.services import VisitorData
from reception.workflow import SESSION_TRANSITIONS, VISIT_TRANSITIONS, possible

from .conftest import MONDAY, make_session


def test_every_permission_in_the_tables_is_a_registered_one(db):
    for table in (SESSION_TRANSITIONS, VISIT_TRANSITIONS):
        for _from, _to, permission, _reason in table.values():
            assert permission in access.registered()


def test_the_tables_say_what_is_possible():
    assert possible(SESSION_TRANSITIONS, "cancel", SessionStatus.PLANNED)
    assert not possible(SESSION_TRANSITIONS, "cancel", SessionStatus.HELD)
    assert not possible(VISIT_TRANSITIONS, "guide", Outcome.GUIDED)
    assert not possible(VISIT_TRANSITIONS, "fly", Outcome.PENDING)


def test_holding_and_cancelling_a_session_write_history_rows(org, now_monday):
    held = make_session(org.commune, MONDAY, start=(7, 30))
    services.session_record_holder(session=held, actor=org.reception, held_by=org.head)
    row = SessionHistory.objects.get(session=held)
    assert (row.action, row.from_status, row.to_status, row.actor) == (
        "record_holder",
        SessionStatus.PLANNED,
        SessionStatus.HELD,
        org.reception,
    )
    planned = make_session(org.commune, MONDAY, start=(13, 30), end=(16, 0))
    services.session_cancel(session=planned, actor=org.head, message="Lãnh đạo đi công tác")
    row = SessionHistory.objects.get(session=planned)
    assert (row.action, row.to_status, row.reason) == ("cancel", SessionStatus.CANCELLED, "Lãnh đạo đi công tác")
    with pytest.raises(services.ReceptionError):
        services.session_cancel(session=planned, actor=org.head, message="Lần hai")
    assert SessionHistory.objects.filter(session=planned).count() == 1


def test_a_visits_handling_is_decided_once_with_one_history_row(org, now_monday):
    visit = services.visit_record(
        unit=org.commune, recorded_by=org.reception, visitor=VisitorData(full_name="Lê Văn Cường"), content="x"
    )
    services.visit_guide(visit=visit, actor=org.reception, guidance="Nộp hồ sơ tại bộ phận một cửa")
    row = VisitHistory.objects.get(visit=visit)
    assert (row.action, row.from_outcome, row.to_outcome, row.actor) == (
        "guide",
        Outcome.PENDING,
        Outcome.GUIDED,
        org.reception,
    )
    with pytest.raises(services.ReceptionError):
        services.visit_refuse(visit=visit, actor=org.reception, reason="x")
    with pytest.raises(services.ReceptionError):
        services.visit_guide(visit=visit, actor=org.reception, guidance="Lần hai")
    assert VisitHistory.objects.filter(visit=visit).count() == 1
