from io import StringIO

from django.core.management import call_command

from dialogues.models import Dialogue, FollowUpAction, Hotspot, Minutes
from dialogues.selectors import invitations_for_petition
from petitions.models import Petition


def test_the_demo_shows_every_part_of_dialogues_and_hotspots(client, rules, frequencies):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    held = Dialogue.objects.get(status="held")
    assert Minutes.objects.filter(dialogue=held, status="finalised").exists()
    assert FollowUpAction.objects.filter(dialogue=held, status="open", owner__username="xuly").exists()
    scheduled = Dialogue.objects.get(status="scheduled")
    own = Petition.objects.get(dialogue_links__dialogue=scheduled)
    assert own.citizen.username == "congdan" and invitations_for_petition(own) == [scheduled]
    code, key = out.getvalue().split("code ")[1].split(", key ")
    page = client.post("/tra-cuu/", {"code": code.strip(), "key": key.split()[0]}).content.decode()
    assert 'data-testid="invitation"' in page
    assert Hotspot.objects.filter(status="confirmed").count() == 1
    assert Hotspot.objects.filter(status="suggested").count() == 1
