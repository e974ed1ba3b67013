"""Journey: an inspector checks the whole audit trail from the audit log, then a case whose history
was rewritten in the database shows it on the audit log and on the case's page."""

import pytest
from django.db import connection
from playwright.sync_api import expect

from petitions import services
from petitions.models import PetitionHistory
from tests.factories import make_petition

from .test_oversight_journey import eager_tasks  # noqa: F401 - the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_inspector_sees_a_rewritten_history(page, live_server, org, login, eager_tasks):  # noqa: F811
    petition = make_petition(org.commune, title="Đèn đường ngõ 9 hỏng")
    services.petition_accept(petition=petition, actor=org.reception)
    services.petition_assign(petition=petition, actor=org.head, handler=org.handler)

    login("thanhtra")
    page.goto(f"{live_server.url}/giam-sat/nhat-ky/")
    expect(page.get_by_test_id("audit-integrity")).to_contain_text("toàn vẹn")
    page.get_by_test_id("audit-check-start").click()
    expect(page.get_by_test_id("audit-check-status")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("audit-check-result")).to_contain_text("toàn vẹn")

    accepted = PetitionHistory.objects.filter(petition=petition, action="accept").get()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {PetitionHistory._meta.db_table} SET reason = 'x' WHERE id = %s", [accepted.pk])  # noqa: S608
    page.goto(f"{live_server.url}/giam-sat/nhat-ky/")
    expect(page.get_by_test_id("audit-tampered")).to_be_visible()
    expect(page.get_by_test_id("row-altered")).to_have_count(1)
    page.goto(f"{live_server.url}/giam-sat/ho-so/{petition.pk}/")
    expect(page.get_by_test_id("integrity")).to_have_attribute("data-intact", "no")
