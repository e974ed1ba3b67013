"""Journey: an inspector opens an overdue case, records a finding against the head, and the head's
scorecard shows it; the head opens a chart and downloads a report built in the background."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from config.celery import app as celery_app
from deadlines.models import Deadline, Level
from oversight.models import Finding, ReportJob
from petitions.models import Kind
from tests.factories import make_petition
from tests.oversight.conftest import remedy_rule  # noqa: F401 - the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_tasks():
    """The embedded worker is not running here: the report task runs in the request, after commit."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def test_inspector_finding_shows_on_the_head_scorecard_and_the_report_downloads(
    page,
    live_server,
    org,
    login,
    remedy_rule,  # noqa: F811
    eager_tasks,
):
    long_ago = timezone.now() - datetime.timedelta(days=40)
    with time_machine.travel(long_ago, tick=False):
        petition = make_petition(org.commune, kind=Kind.REFLECTION, title="Cống thoát nước bị tắc")
    Deadline.objects.filter(petition=petition).update(level=Level.OVERDUE)

    # The inspector finds the case in the overdue queue and opens its escalation history.
    login("thanhtra")
    page.goto(f"{live_server.url}/giam-sat/qua-han/")
    expect(page.get_by_test_id("queue")).to_contain_text("Cống thoát nước bị tắc")
    page.get_by_test_id("queue-case").first.click()
    expect(page.locator("h1")).to_contain_text(petition.tracking_code)

    # ... and records a finding against the unit and its head.
    page.get_by_test_id("record-finding").click()
    expect(page.get_by_test_id("finding-head")).to_contain_text(org.head.display_name)
    page.select_option("#id_kind", "shortcoming")
    page.fill("#id_title", "Chậm xử lý đơn phản ánh")
    page.fill("#id_description", "Đơn quá hạn xử lý.")
    page.fill("#id_responsibility", "Chủ tịch phường chưa đôn đốc.")
    page.fill("#id_remedy_required", "Xử lý dứt điểm và báo cáo.")
    page.fill("#id_remedy_due", (timezone.localdate() + datetime.timedelta(days=15)).strftime("%d/%m/%Y"))
    page.click("form[data-testid=finding-form] button[type=submit]")
    expect(page.get_by_test_id("finding-status")).to_have_attribute("data-status", "open")
    finding = Finding.objects.get()
    assert finding.head == org.head and finding.petition == petition

    # The head's scorecard for this month counts the finding, and its list shows it.
    page.context.clear_cookies()
    login("chutich")
    page.goto(f"{live_server.url}/giam-sat/?unit=ba-dinh")
    expect(page.get_by_test_id("figure-link-findings")).to_have_attribute("data-value", "1")
    page.get_by_test_id("figure-link-findings").click()
    expect(page.get_by_test_id("cases-total")).to_have_text("1")
    expect(page.get_by_test_id("cases")).to_contain_text("Chậm xử lý đơn phản ánh")

    # A chart, drawn from the vendored library, with its numbers as a table.
    page.goto(f"{live_server.url}/giam-sat/bieu-do/?unit=ba-dinh")
    expect(page.locator("canvas[data-chart=monthly]")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_test_id("table-monthly")).to_be_visible()

    # A report built in the background, with its progress, then downloaded.
    page.goto(f"{live_server.url}/giam-sat/bao-cao/?unit=ba-dinh")
    page.click("form[data-testid=report-form] button[value=xlsx]")
    expect(page.get_by_test_id("report-status")).to_have_attribute("data-status", "done")
    with page.expect_download() as download:
        page.get_by_test_id("report-download").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert ReportJob.objects.get().status == ReportJob.Status.DONE
