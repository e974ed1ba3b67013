"""`make run` seeds oversight data: scorecards with figures, a finding whose remedy is open and a
report ready to download; every audit chain the seeding wrote is intact."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from core.models import User
from oversight.models import Finding, FindingStatus, ReportJob


def test_the_demo_shows_a_finding_scorecards_and_a_report(client, rules, frequencies, remedy_rule):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    open_finding = Finding.objects.get(status=FindingStatus.OPEN)
    assert open_finding.unit.code == "ba-dinh" and open_finding.head.username == "chutich"
    assert open_finding.code in out.getvalue()
    assert Finding.objects.filter(status=FindingStatus.REMEDIED).count() == 1
    assert ReportJob.objects.filter(status=ReportJob.Status.DONE).count() == 2

    client.force_login(User.objects.get(username="thanhtra"))
    card = client.get(reverse("oversight:scorecard"), {"unit": "ba-dinh", "head": "unit"}).context["card"]
    assert card.values["findings"].value == 2
    assert card.values["received"].value > 0
    assert card.values["dialogues_held"].value == 1
    assert client.get(reverse("oversight:finding", args=[open_finding.pk])).context["integrity"].intact
    job = ReportJob.objects.get(requested_by__username="thanhtra")
    assert client.get(reverse("oversight:report_download", args=[job.pk])).status_code == 200
    call_command("verify_audit", stdout=StringIO())  # raises if any seeded row is unchained
