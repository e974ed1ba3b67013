import itertools

import pytest

from petitions import services
from petitions.models import Petition, PetitionHistory
from petitions.services import PetitionError
from petitions.workflow import ALLOWED_TRANSITIONS, Status, can_transition

ALL_PAIRS = list(itertools.product(Status.values, Status.values))


def test_the_table_matches_the_domain_lifecycle():
    assert ALLOWED_TRANSITIONS[Status.RECEIVED] == {
        Status.ACCEPTED,
        Status.FORWARDED,
        Status.GUIDED,
        Status.REJECTED,
        Status.FILED,
        Status.WITHDRAWN,
    }
    assert ALLOWED_TRANSITIONS[Status.ACCEPTED] == {Status.IN_PROGRESS, Status.SUSPENDED, Status.WITHDRAWN}
    assert ALLOWED_TRANSITIONS[Status.IN_PROGRESS] == {Status.RESOLVED, Status.SUSPENDED, Status.WITHDRAWN}
    assert ALLOWED_TRANSITIONS[Status.SUSPENDED] == {Status.ACCEPTED, Status.IN_PROGRESS}
    for outcome in (Status.RESOLVED, Status.FORWARDED, Status.GUIDED, Status.REJECTED, Status.FILED, Status.WITHDRAWN):
        assert ALLOWED_TRANSITIONS[outcome] == {Status.CLOSED}
    assert ALLOWED_TRANSITIONS[Status.CLOSED] == set()


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_every_transition_is_allowed_exactly_when_the_table_says(org, petition, from_status, to_status):
    Petition.objects.filter(pk=petition.pk).update(status=from_status)
    petition.refresh_from_db()
    before = PetitionHistory.objects.filter(petition=petition).count()
    if can_transition(from_status, to_status):
        services._transition(petition, to_status=to_status, action="note", actor=org.head)
        petition.refresh_from_db()
        assert petition.status == to_status
        row = PetitionHistory.objects.filter(petition=petition, action="note").latest("id")
        assert (row.from_status, row.to_status, row.actor) == (from_status, to_status, org.head)
    else:
        with pytest.raises(PetitionError):
            services._transition(petition, to_status=to_status, action="note", actor=org.head)
        petition.refresh_from_db()
        assert petition.status == from_status
        assert PetitionHistory.objects.filter(petition=petition).count() == before


ACTION_SERVICES = {
    "accept": lambda p, org: services.petition_accept(petition=p, actor=org.head),
    "forward": lambda p, org: services.petition_forward(petition=p, actor=org.head, reason="r", to_body="Tòa án"),
    "guide": lambda p, org: services.petition_guide(petition=p, actor=org.head, reason="r"),
    "reject": lambda p, org: services.petition_reject(petition=p, actor=org.head, reason="r"),
    "file": lambda p, org: services.petition_file(petition=p, actor=org.head, reason="r"),
    "start": lambda p, org: services.petition_start(petition=p, actor=org.head),
    "suspend": lambda p, org: services.petition_suspend(petition=p, actor=org.head, reason="r"),
    "resume": lambda p, org: services.petition_resume(petition=p, actor=org.head),
    "resolve": lambda p, org: services.petition_resolve(petition=p, actor=org.head, decision_text="d"),
    "withdraw": lambda p, org: services.petition_withdraw(petition=p, actor=org.head, reason="r"),
    "close": lambda p, org: services.petition_close(petition=p, actor=org.head),
}
ACTION_FROM = {
    "accept": {Status.RECEIVED},
    "forward": {Status.RECEIVED},
    "guide": {Status.RECEIVED},
    "reject": {Status.RECEIVED},
    "file": {Status.RECEIVED},
    "start": {Status.ACCEPTED},
    "suspend": {Status.ACCEPTED, Status.IN_PROGRESS},
    "resume": {Status.SUSPENDED},
    "resolve": {Status.IN_PROGRESS},
    "withdraw": {Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS},
    "close": {Status.RESOLVED, Status.FORWARDED, Status.GUIDED, Status.REJECTED, Status.FILED, Status.WITHDRAWN},
}


@pytest.mark.parametrize(("action", "status"), list(itertools.product(ACTION_SERVICES, Status.values)))
def test_each_action_service_works_only_in_its_states(org, petition, action, status):
    Petition.objects.filter(pk=petition.pk).update(status=status)
    petition.refresh_from_db()
    if status in ACTION_FROM[action]:
        ACTION_SERVICES[action](petition, org)
        petition.refresh_from_db()
        assert petition.status != status
    else:
        with pytest.raises(PetitionError, match=r"(?i)không thể|not possible"):
            ACTION_SERVICES[action](petition, org)
        petition.refresh_from_db()
        assert petition.status == status
