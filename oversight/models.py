"""Inspectors' findings against a unit and its head, and the periodic report jobs."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.audit import ChainedModel
from core.models import Unit


class FindingKind(models.TextChoices):
    SHORTCOMING = "shortcoming", _("Shortcoming")
    VIOLATION = "violation", _("Violation")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Remedy pending")
    REMEDIED = "remedied", _("Remedied")


class Finding(models.Model):
    """A shortcoming or violation an inspector recorded against a unit and the head in office then.

    Its remedy is followed by a generic deadline (rule `finding.remedy`, owner = that head), so the
    one sweep reminds and escalates it like every other clock.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="findings", verbose_name=_("unit"))
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings_against",
        verbose_name=_("head"),
    )
    petition = models.ForeignKey(
        "petitions.Petition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case it arose from"),
    )
    kind = models.CharField(pgettext_lazy("inspection finding", "kind"), max_length=20, choices=FindingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what was found"))
    responsibility = models.TextField(_("responsibility concluded"))
    remedy_required = models.TextField(_("remedy required"))
    remedy_due = models.DateField(_("remedy due"))
    status = models.CharField(_("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_on = models.DateField(_("recorded on"), default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    remedied_on = models.DateField(_("remedied on"), null=True, blank=True)
    remedy_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["unit", "recorded_on"], name="finding_unit_recorded")]

    def __str__(self):
        return f"KL-{self.pk} {self.title}"

    @property
    def code(self) -> str:
        return f"KL-{self.pk}"


class FindingHistory(ChainedModel):
    """Append-only: every change of a finding (recorded, remedied), who, when, with the note.

    Chained by hash per finding (core.audit): written only through chain_create, so the finding's own
    status trail is tamper-evident (issue 14).
    """

    chain_key = "finding_id"
    chain_fields = ("action", "from_status", "to_status", "actor_id", "note", "created_at")

    class Action(models.TextChoices):
        RECORD = "record", _("Recorded")
        REMEDY = "remedy", _("Remedy recorded")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=FindingStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=FindingStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("finding history entry")
        verbose_name_plural = _("finding history")

    def __str__(self):
        return f"{self.finding_id}: {self.from_status} → {self.to_status}"


class ReportJob(models.Model):
    """A periodic report built in the background; the page polls `progress` until the file is ready."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    period = models.CharField(_("period"), max_length=30)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")

    def __str__(self):
        return f"{self.unit_id} {self.period} {self.format}"


class AuditCheck(models.Model):
    """A whole-table check of every hash-chained audit trail (core.audit.verify_chain), run by Celery
    because the trails grow to millions of rows; the page polls `progress` until it is done."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Checking")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_total = models.PositiveBigIntegerField(default=0)
    rows_checked = models.PositiveBigIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    # Per table: {"label", "rows", "problems"}; and the first problems found (table, row, record, kind):
    # identifiers only, never a row's content.
    tables = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit trail check")
        verbose_name_plural = _("audit trail checks")

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.status}"

    @property
    def intact(self) -> bool:
        return self.status == self.Status.DONE and self.problem_count == 0
