"""Demo oversight data for `manage.py seed_demo`: an inspector's finding with its remedy still open
(and one already remedied), and a finished report for the inspector and for the head, so `make run`
shows scorecards, findings and a report download without waiting for the worker."""

import datetime

from django.utils import timezone

from petitions.models import Petition
from petitions.workflow import Status

from . import services
from .models import ReportJob
from .periods import current_month_code


def seed(*, units: dict, users: dict, stdout=None) -> None:
    unit, head, inspector = units["ba-dinh"], users["chutich"], users["thanhtra"]
    today = timezone.localdate()
    case = Petition.objects.filter(unit=unit, status=Status.IN_PROGRESS).order_by("received_at", "id").first()
    finding = services.finding_record(
        actor=inspector,
        unit=unit,
        kind="shortcoming",
        title="Chậm giải quyết đơn khiếu nại về đất đai",
        description="Đơn đã thụ lý quá thời hạn giải quyết nhưng chưa có văn bản gia hạn hay báo cáo tiến độ.",
        responsibility="Chủ tịch UBND phường chịu trách nhiệm đôn đốc; cán bộ thụ lý chậm báo cáo.",
        remedy_required="Ban hành quyết định giải quyết hoặc gia hạn theo quy định; báo cáo Thanh tra thành phố.",
        remedy_due=today + datetime.timedelta(days=10),
        petition=case,
    )
    remedied = services.finding_record(
        actor=inspector,
        unit=unit,
        kind="violation",
        title="Không niêm yết lịch tiếp công dân",
        description="Lịch tiếp công dân tháng này không được niêm yết tại trụ sở.",
        responsibility="Văn phòng UBND phường.",
        remedy_required="Niêm yết lịch tiếp công dân tại trụ sở và trên cổng thông tin.",
        remedy_due=today + datetime.timedelta(days=5),
    )
    services.finding_remedy(actor=head, finding=remedied, note="Đã niêm yết lịch tại trụ sở và trên cổng thông tin.")
    # Reports built here rather than by the worker: the page lists them ready to download.
    for user, report_unit in ((inspector, units["hn"]), (head, unit)):
        job = ReportJob.objects.create(
            requested_by=user, unit=report_unit, period=current_month_code(today), format=ReportJob.Format.XLSX
        )
        services.report_build(job=job)
    if stdout is not None:
        stdout.write(f"  Demo finding with an open remedy: {finding.code} (Phường Ba Đình)")
