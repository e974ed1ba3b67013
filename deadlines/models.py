"""Legal deadlines: the rules as data, the calendar's yearly exceptions, and each petition's open clocks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.audit import ChainedModel
from core.vocabulary import Kind


class CalendarException(models.Model):
    """A day the Government adds or swaps for one year, on top of the statutory holidays."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Extra day off")
        WORKING_DAY = "working_day", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(pgettext_lazy("calendar day", "kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} – {self.name}"


class StartEvent(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ACCEPTANCE = "acceptance", _("Acceptance")
    HEAD_RECEPTION = "head_reception", _("Receipt at a head's reception")
    DECISION = "decision", _("Decision known")
    # Opened by a feature for its own object (minutes, follow-up actions, findings, written answers).
    SUBJECT = "subject", _("Set by the case it belongs to")


class DayUnit(models.TextChoices):
    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")


class MetWhen(models.TextChoices):
    LEAVES_RECEIVED = "leaves_received", _("The petition is accepted, forwarded, guided, rejected or filed")
    LEAVES_ACCEPTED = "leaves_accepted", _("Handling starts or the petition reaches an outcome")
    OUTCOME = "outcome", _("A decision, conclusion or reply is issued (or another outcome)")


class DeadlineRule(models.Model):
    """One row of the deadline table of domain.md. Codes are a contract; everything else is editable."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    start_event = models.CharField(_("starts at"), max_length=20, choices=StartEvent.choices)
    applies_to_kind = models.CharField(
        _("petition kind"), max_length=20, choices=Kind.choices, null=True, blank=True, help_text=_("Empty: all kinds.")
    )
    length = models.PositiveSmallIntegerField(_("length"))
    unit = models.CharField(_("unit"), max_length=10, choices=DayUnit.choices)
    length_complex = models.PositiveSmallIntegerField(_("length, complex case"), null=True, blank=True)
    length_remote = models.PositiveSmallIntegerField(_("length, remote area"), null=True, blank=True)
    length_remote_complex = models.PositiveSmallIntegerField(_("length, remote and complex"), null=True, blank=True)
    extension_length = models.PositiveSmallIntegerField(_("days per extension"), default=0)
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=0)
    due_soon_days = models.PositiveSmallIntegerField(
        _("due soon from (working days before)"), default=3, help_text=_("Working days before the due date.")
    )
    long_overdue_days = models.PositiveSmallIntegerField(
        _("long overdue after (working days)"), default=10, help_text=_("Working days after the due date.")
    )
    met_when = models.CharField(_("met when"), max_length=20, choices=MetWhen.choices, default=MetWhen.OUTCOME)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")

    def __str__(self):
        return f"{self.code} – {self.name}"

    def length_for(self, *, is_complex: bool = False, is_remote: bool = False, extensions: int = 0) -> int:
        """The rule's length for a case's variants, plus granted extensions."""
        if is_remote and is_complex:
            base = self.length_remote_complex or self.length_remote or self.length_complex or self.length
        elif is_remote:
            base = self.length_remote or self.length
        elif is_complex:
            base = self.length_complex or self.length
        else:
            base = self.length
        return base + extensions * self.extension_length


class Level(models.IntegerChoices):
    """Ordered, so "not yet at this level" is `level < L`."""

    NONE = 0, _("On time")
    DUE_SOON = 1, _("Due soon")
    OVERDUE = 2, _("Overdue")
    LONG_OVERDUE = 3, _("Long overdue")


class Deadline(models.Model):
    """One legal clock of a petition or of another subject (minutes, a follow-up action, a finding...).

    Dates are computed once and stored; the sweep only compares them. `due_soon_from` and
    `long_overdue_after` are stored next to `due_date` so the sweep is a plain indexed comparison
    with today, with no working-day arithmetic in SQL. A subject other than a petition carries its
    own first-line recipient (`owner`), and a label and link for the notifications.
    """

    class ClosedAs(models.TextChoices):
        MET = "met", _("Met")
        CANCELLED = "cancelled", _("No longer applies")

    # No single-column index on petition, subject_type or owner: the sweep rewrites tens of thousands of
    # deadlines at once, and every index is written again with each row. one_deadline_per_rule leads
    # with the petition, one_deadline_per_subject_rule with the subject, deadline_owner is partial.
    petition = models.ForeignKey(
        "petitions.Petition",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        db_index=False,
    )
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_deadlines",
        verbose_name=_("responsible"),
        db_index=False,
    )
    label = models.CharField(_("what is due"), max_length=200, blank=True)
    url = models.CharField(max_length=300, blank=True)
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("rule"))
    # Copied from the petition so the sweep groups recipients by unit without a join.
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    is_complex = models.BooleanField(default=False)
    is_remote = models.BooleanField(default=False)
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    due_soon_from = models.DateField()
    long_overdue_after = models.DateField()
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    # A date a person chose (a follow-up action's deadline): calendar changes do not recompute it.
    fixed_due_date = models.BooleanField(default=False)
    # Suspended (Law on Denunciations 2018 Art. 36): the clock stands still and the sweep skips it.
    paused_at = models.DateField(_("paused since"), null=True, blank=True)
    # Days spent suspended so far, in the rule's own unit: they are added to the length on resume.
    paused_days = models.PositiveSmallIntegerField(_("days suspended"), default=0)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.NONE)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_as = models.CharField(max_length=10, choices=ClosedAs.choices, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(fields=["petition", "rule"], name="one_deadline_per_rule"),
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "rule"],
                condition=Q(subject_type__isnull=False),
                name="one_deadline_per_subject_rule",
            ),
            models.CheckConstraint(
                condition=Q(petition__isnull=False, subject_type__isnull=True)
                | Q(petition__isnull=True, subject_type__isnull=False, subject_id__isnull=False),
                name="deadline_has_one_subject",
            ),
        ]
        indexes = [
            # One partial index per sweep step holding exactly its candidates ("open, below level L"),
            # so a chunk is an index range scan and rows leave the index as the sweep raises them.
            models.Index(
                fields=["due_soon_from"],
                condition=Q(closed_at__isnull=True, paused_at__isnull=True, level__lt=Level.DUE_SOON),
                name="deadline_sweep_due_soon",
            ),
            models.Index(
                fields=["due_date"],
                condition=Q(closed_at__isnull=True, paused_at__isnull=True, level__lt=Level.OVERDUE),
                name="deadline_sweep_overdue",
            ),
            models.Index(
                fields=["long_overdue_after"],
                condition=Q(closed_at__isnull=True, paused_at__isnull=True, level__lt=Level.LONG_OVERDUE),
                name="deadline_sweep_long_overdue",
            ),
            models.Index(fields=["rule", "start_date"], condition=Q(closed_at__isnull=True), name="deadline_open_rule"),
            # The overview's "worst overdue cases": the running petition clocks, oldest due date first, so
            # the first five of a jurisdiction are read off the index instead of sorting every open one.
            models.Index(
                fields=["due_date", "id"],
                condition=Q(closed_at__isnull=True, paused_at__isnull=True, petition__isnull=False),
                name="deadline_running_due",
            ),
            # A person's own deadlines (follow-up actions, written answers): only subject deadlines have one.
            models.Index(fields=["owner"], condition=Q(owner__isnull=False), name="deadline_owner"),
        ]

    def __str__(self):
        return f"{self.rule.code} {self.due_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def days_left(self, today=None) -> int:
        """Calendar days until the due date; negative when overdue."""
        today = today or timezone.localdate()
        return (self.due_date - today).days

    @property
    def days_remaining(self) -> int:
        return self.days_left()

    @property
    def days_overdue(self) -> int:
        return -self.days_left()


class Escalation(ChainedModel):
    """One event per deadline, level and extension round; the unique constraint makes reruns harmless.

    Chained by hash per deadline (core.audit); the sweep computes the hashes in its INSERT.
    """

    chain_key = "deadline_id"
    chain_fields = ("level", "round", "created_at")

    # Indexed by one_escalation_per_level, which leads with the deadline.
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="escalations", db_index=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    # The deadline's extension count at the time: an extended deadline may escalate again.
    round = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [models.UniqueConstraint(fields=["deadline", "level", "round"], name="one_escalation_per_level")]

    def __str__(self):
        return f"{self.deadline_id} → {self.get_level_display()}"


class Extension(models.Model):
    """An extension is a recorded decision: who, when, why, and how the due date moved."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extension_decisions")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    reason = models.TextField(_("reason"))
    days = models.PositiveSmallIntegerField(_("days"))
    previous_due_date = models.DateField(_("previous due date"))
    new_due_date = models.DateField(_("new due date"))

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self):
        return f"{self.deadline_id}: +{self.days}"


class SweepRun(models.Model):
    """One run of the overdue sweep. Its escalations carry its start time as `created_at`, so the run's
    digest (one notification per recipient) can be rebuilt from the database after a crash."""

    started_at = models.DateTimeField(unique=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        indexes = [models.Index(fields=["started_at"], condition=Q(digested_at__isnull=True), name="sweep_run_pending")]

    def __str__(self):
        return f"{self.started_at:%d/%m/%Y %H:%M:%S}"
