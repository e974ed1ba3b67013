from django.core.management import call_command

from deadlines.models import Deadline
from demo.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS
from petitions.models import Petition
from petitions.workflow import Status
from reception.models import ReceptionSession, Visit


def test_demo_data_covers_every_state_and_every_login_works(client, rules, frequencies):
    call_command("seed_demo")
    states = set(Petition.objects.values_list("status", flat=True))
    assert states == set(Status.values)
    assert ReceptionSession.objects.exists() and Visit.objects.count() == 2
    assert Deadline.objects.filter(level__gt=0).exists()  # the sweep ran: the dashboard shows alerts
    for username, *_ in DEMO_USERS:
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        landing = client.get(response.url, follow=True)
        assert landing.status_code == 200, username
        client.logout()
    call_command("seed_demo", if_empty=True)  # a second run with --if-empty changes nothing
    assert Petition.objects.filter(channel="online").count() == 33
