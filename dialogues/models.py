"""Dialogues with citizens, their minutes and follow-up actions, and hotspots (Regulation 11, Plan 229).

Each model with a lifecycle has its status codes in dialogues/workflow.py; every status change
writes an append-only event row (DialogueEvent, HotspotEvent).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import ChainedModel
from core.models import Unit

from .workflow import ActionStatus, DialogueStatus, HotspotStatus, MinutesStatus


class Dialogue(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dialogues", verbose_name=_("unit"))
    subject = models.CharField(_("subject"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    scheduled_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_dialogues", verbose_name=_("chair")
    )
    # Empty when the head chairs in person; a delegate needs a recorded reason.
    delegate_reason = models.TextField(_("reason for delegating"), blank=True)
    other_participants = models.TextField(
        _("handling body and related parties"), blank=True, help_text=_("One per line: name and role.")
    )
    hotspot = models.ForeignKey(
        "Hotspot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dialogues",
        verbose_name=_("hotspot"),
    )
    petitions = models.ManyToManyField(
        "petitions.Petition", through="DialoguePetition", related_name="dialogues", verbose_name=_("petitions")
    )
    visits = models.ManyToManyField("reception.Visit", blank=True, related_name="dialogues", verbose_name=_("visits"))
    status = models.CharField(
        _("status"), max_length=20, choices=DialogueStatus.choices, default=DialogueStatus.SCHEDULED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        indexes = [models.Index(fields=["unit", "status", "-scheduled_at"], name="dialogue_unit_status")]

    def __str__(self):
        return f"{self.code} – {self.subject}"

    @property
    def code(self) -> str:
        return f"ĐT-{self.pk}"

    @property
    def is_delegated(self) -> bool:
        return bool(self.delegate_reason)


class DialoguePetition(models.Model):
    """A petition the dialogue is about; the row is also the citizen's invitation."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="links")
    petition = models.ForeignKey("petitions.Petition", on_delete=models.PROTECT, related_name="dialogue_links")
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["dialogue", "petition"], name="dialogue_petition_once")]

    def __str__(self):
        return f"{self.dialogue_id} – {self.petition_id}"


class DialogueRequirement(models.Model):
    """A complaint whose verification result differs from the complainant's demand needs a dialogue
    before it is resolved (Law on Complaints 2011 Art. 30, Decree 124/2020 Art. 23), unless a reason for
    not holding one is recorded."""

    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.CASCADE, related_name="dialogue_requirement", primary_key=True
    )
    difference = models.TextField(_("how the verification result differs from the demand"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    waiver_reason = models.TextField(_("reason for not holding a dialogue"), blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dialogue requirement")
        verbose_name_plural = _("dialogue requirements")

    def __str__(self):
        return str(self.petition_id)


class Minutes(models.Model):
    """One version of a dialogue's minutes (biên bản). Finalised versions are locked; a correction is a
    new version and the earlier ones are kept."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="minutes_versions")
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    attendees = models.TextField(_("who attended"))
    citizen_statements = models.TextField(_("what the citizens said"), blank=True)
    authority_statements = models.TextField(_("what the authority said"), blank=True)
    agreed = models.TextField(_("what was agreed"), blank=True)
    disputed = models.TextField(_("what remains disputed"), blank=True)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)

    class Meta:
        ordering = ["dialogue", "-version"]
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "version"], name="minutes_version_once"),
            # At most one draft per dialogue: a correction starts only from a finalised version.
            models.UniqueConstraint(
                fields=["dialogue"], condition=Q(status=MinutesStatus.DRAFT), name="minutes_one_draft"
            ),
        ]

    def __str__(self):
        return f"{self.dialogue_id} v{self.version}"

    @property
    def is_final(self) -> bool:
        return self.status == MinutesStatus.FINALISED


class FollowUpAction(models.Model):
    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="followup_actions", verbose_name=_("owner")
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_note = models.TextField(_("what was done"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="followup_owner_open")]

    def __str__(self):
        return self.description[:60]


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class SuggestionBasis(models.TextChoices):
    SIMILAR_MATTER = "similar_matter", _("Many petitions about a similar matter")
    GROUP_VISIT = "group_visit", _("Large group visit")
    REPEAT_PETITIONER = "repeat_petitioner", _("The same petitioner returns repeatedly")
    STAFF = "staff", _("Flagged by staff")


class Hotspot(models.Model):
    """A cluster of petitions and visits about one matter that may threaten public order (điểm nóng)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="hotspots", verbose_name=_("unit"))
    title = models.CharField(_("matter"), max_length=200)
    basis = models.CharField(_("basis"), max_length=20, choices=SuggestionBasis.choices)
    reason = models.TextField(_("reason"), blank=True)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_hotspots",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=HotspotStatus.choices, default=HotspotStatus.SUGGESTED
    )
    status_reason = models.TextField(_("reason for the last change"), blank=True)
    petitions = models.ManyToManyField("petitions.Petition", blank=True, related_name="hotspots")
    visits = models.ManyToManyField("reception.Visit", blank=True, related_name="hotspots")
    # Sorted "p<id>,v<id>" of the cases it was suggested for: a dismissed suggestion is not made again.
    case_key = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        indexes = [models.Index(fields=["unit", "status"], name="hotspot_unit_status")]

    def __str__(self):
        return self.title

    @property
    def code(self) -> str:
        return f"ĐN-{self.pk}"


class HotspotThresholds(models.Model):
    """When the portal suggests a hotspot. Data an administrator edits; the newest active row applies."""

    period_days = models.PositiveSmallIntegerField(_("period (days)"), default=30)
    similar_min_petitions = models.PositiveSmallIntegerField(_("similar petitions at least"), default=5)
    similarity = models.FloatField(
        _("title similarity (0–1)"),
        default=0.45,
        help_text=_("Trigram similarity, or word overlap without PostgreSQL."),
    )
    group_min_people = models.PositiveSmallIntegerField(_("group visit of at least (people)"), default=5)
    repeat_min_petitions = models.PositiveSmallIntegerField(_("petitions by the same person at least"), default=3)
    repeat_period_days = models.PositiveSmallIntegerField(_("period for repeated petitions (days)"), default=180)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("hotspot thresholds")
        verbose_name_plural = _("hotspot thresholds")

    def __str__(self):
        return str(_("Hotspot thresholds"))


class DialogueEvent(ChainedModel):
    """Append-only: every status change of a dialogue, its minutes versions and its follow-up actions.

    Chained by hash per dialogue (core.audit): written only through chain_create.
    """

    chain_key = "dialogue_id"
    chain_fields = ("target", "target_id", "action", "from_status", "to_status", "actor_id", "reason", "created_at")

    class Target(models.TextChoices):
        DIALOGUE = "dialogue", _("Dialogue")
        MINUTES = "minutes", _("Minutes")
        ACTION = "action", _("Follow-up action")

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="events")
    target = models.CharField(max_length=10, choices=Target.choices, default=Target.DIALOGUE)
    target_id = models.PositiveIntegerField(null=True, blank=True)
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("dialogue event")
        verbose_name_plural = _("dialogue events")

    def __str__(self):
        return f"{self.dialogue_id} {self.target}: {self.from_status} → {self.to_status}"


class HotspotEvent(ChainedModel):
    """Append-only: every status change of a hotspot. Chained by hash per hotspot (core.audit)."""

    chain_key = "hotspot_id"
    chain_fields = ("action", "from_status", "to_status", "actor_id", "reason", "created_at")

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("hotspot event")
        verbose_name_plural = _("hotspot events")

    def __str__(self):
        return f"{self.hotspot_id}: {self.from_status} → {self.to_status}"
