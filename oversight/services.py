"""Writes of oversight: findings and their remedies, and the periodic report files."""

import csv
import datetime
import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.audit import chain_create
from core.models import Unit, User
from core.selectors import unit_current_head
from deadlines import services as deadline_services
from deadlines.models import DeadlineRule
from petitions import exports as petition_exports
from petitions.models import Petition

from . import policy
from .models import Finding, FindingHistory, FindingStatus, ReportJob
from .periods import Period, parse_period
from .scorecard import FIGURES, Window, comparison
from .selectors import comparison_units

logger = logging.getLogger(__name__)

REMEDY_RULE = "finding.remedy"
# Units per step of a report: progress is saved after each step.
REPORT_CHUNK = 50


class OversightError(Exception):
    """A rule of oversight said no; the message is for the user and already translated."""


@transaction.atomic
def finding_record(
    *,
    actor: User,
    unit: Unit,
    kind: str,
    title: str,
    description: str,
    responsibility: str,
    remedy_required: str,
    remedy_due: datetime.date | None = None,
    petition: Petition | None = None,
) -> Finding:
    """An inspector records a finding against the unit and the head in office today; the remedy's
    deadline is a generic deadline the sweep follows up and escalates (owner: that head)."""
    if not policy.can_record_finding(actor, unit.pk):
        raise OversightError(_("Only an inspector with jurisdiction over this unit may record a finding."))
    if petition is not None and petition.unit_id != unit.pk:
        raise OversightError(_("The case belongs to another unit."))
    for value, name in ((title, _("title")), (responsibility, _("responsibility")), (remedy_required, _("remedy"))):
        if not (value or "").strip():
            raise OversightError(_("The %(field)s is required.") % {"field": name})
    today = timezone.localdate()
    if remedy_due is not None and remedy_due <= today:
        raise OversightError(_("The remedy's deadline must be after today."))
    head = unit_current_head(unit)
    rule = DeadlineRule.objects.get(code=REMEDY_RULE)
    remedy_due = remedy_due or deadline_services.compute_due_dates(rule=rule, start=today).due_date
    finding = Finding.objects.create(
        unit=unit,
        head=head,
        petition=petition,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        responsibility=responsibility.strip(),
        remedy_required=remedy_required.strip(),
        remedy_due=remedy_due,
        recorded_by=actor,
        recorded_on=today,
    )
    deadline = deadline_services.deadline_open(
        rule_code=REMEDY_RULE,
        subject=finding,
        unit=unit,
        start=today,
        owner=head,
        label=_("Inspection finding %(code)s: remedy") % {"code": finding.code},
        url=reverse("oversight:finding", args=[finding.pk]),
        due_date=remedy_due,
    )
    if deadline is not None and deadline.due_date != finding.remedy_due:
        Finding.objects.filter(pk=finding.pk).update(remedy_due=deadline.due_date)
        finding.remedy_due = deadline.due_date
    chain_create(
        FindingHistory,
        finding=finding,
        action=FindingHistory.Action.RECORD,
        to_status=FindingStatus.OPEN,
        actor=actor,
        note=title,
    )
    return finding


@transaction.atomic
def finding_remedy(*, actor: User, finding: Finding, note: str) -> Finding:
    """The head records the remedy done, with a note saying what was done; the clock closes."""
    note = (note or "").strip()
    if not note:
        raise OversightError(_("Write what was done to remedy the finding."))
    if not policy.can_remedy_finding(actor, finding):
        raise OversightError(_("Only the head of the unit may record the remedy of an open finding."))
    today = timezone.localdate()
    updated = Finding.objects.filter(pk=finding.pk, status=FindingStatus.OPEN).update(
        status=FindingStatus.REMEDIED, remedied_on=today, remedy_note=note
    )
    if not updated:
        raise OversightError(_("This finding was already remedied."))
    chain_create(
        FindingHistory,
        finding=finding,
        action=FindingHistory.Action.REMEDY,
        from_status=FindingStatus.OPEN,
        to_status=FindingStatus.REMEDIED,
        actor=actor,
        note=note,
    )
    deadline_services.deadline_close(subject=finding, rule_code=REMEDY_RULE)
    finding.refresh_from_db()
    return finding


# --- Periodic reports ------------------------------------------------------------------------------


def safe_cell(value) -> str | int:
    """Numbers stay numbers; text goes through the caseload export's guard against formula injection."""
    if isinstance(value, int):
        return value
    return petition_exports._safe(value)


def report_header() -> list[str]:
    return [_("Unit code"), _("Unit"), *[str(figure.label) for figure in FIGURES.values()]]


def report_rows(cards) -> list[list]:
    rows = []
    for card in cards:
        rows.append([card.unit.code, card.unit.name, *[card.values[key].display() for key in FIGURES]])
    return rows


def report_build(*, job: ReportJob) -> ReportJob:
    """Build a report's file chunk by chunk, saving progress so the page can show it."""
    if not ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.PENDING).update(status=ReportJob.Status.RUNNING):
        return job  # another worker took it, or it is finished
    try:
        period: Period = parse_period(job.period)
        window = Window(period.start, period.end, timezone.localdate())
        units = comparison_units(job.requested_by, job.unit)
        rows = []
        for start in range(0, len(units), REPORT_CHUNK):
            rows.extend(report_rows(comparison(units=units[start : start + REPORT_CHUNK], window=window)))
            done = min(start + REPORT_CHUNK, len(units))
            ReportJob.objects.filter(pk=job.pk).update(progress=min(99, round(100 * done / max(len(units), 1))))
        title = _("Oversight report %(period)s – %(unit)s") % {"period": period.label, "unit": job.unit.name}
        content = _xlsx(title, rows) if job.format == ReportJob.Format.XLSX else _csv(rows)
        name = f"bao-cao-{job.unit.code}-{period.code.replace('..', '_')}.{job.format}"
        job.file.save(name, ContentFile(content), save=False)
        ReportJob.objects.filter(pk=job.pk).update(
            file=job.file.name, status=ReportJob.Status.DONE, progress=100, finished_at=timezone.now()
        )
    except Exception as exc:
        logger.exception("Report %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            status=ReportJob.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(report_header())
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    # A byte-order mark so spreadsheet programs read Vietnamese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


def _xlsx(title: str, rows) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = _("Report")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(report_header())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def report_request(*, user: User, unit: Unit, period: Period, fmt: str) -> ReportJob:
    """Queue a report; the Celery task builds it after commit (the page polls the job)."""
    from .tasks import build_report

    if not policy.can_view_oversight(user, unit.pk):
        raise OversightError(_("You cannot report on this unit."))
    if fmt not in ReportJob.Format.values:
        raise OversightError(_("Choose XLSX or CSV."))
    job = ReportJob.objects.create(requested_by=user, unit=unit, period=period.code, format=fmt)
    build_report.delay_on_commit(str(job.pk))
    return job


def export_queue_rows(deadlines, today: datetime.date) -> list[list]:
    """The overdue queue as rows (no petitioner identity: code, subject, unit, handler, dates)."""
    return [
        [
            d.petition.tracking_code,
            d.petition.title,
            d.petition.get_kind_display(),
            d.petition.unit.name,
            d.petition.handler.display_name if d.petition.handler else "",
            str(d.rule.name),
            d.due_date.strftime("%d/%m/%Y"),
            max((today - d.due_date).days, 0),
            d.get_level_display(),
        ]
        for d in deadlines
    ]
