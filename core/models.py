from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .crypto import EncryptedTextField


class User(AbstractUser):
    """Staff and registered citizens. Staff rights come from memberships, never from this row."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Unit(models.Model):
    """A node of the organisation tree. `path` is a materialised path ("1/4/9/") for subtrees."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    level = models.CharField(
        _("level"), max_length=50, help_text=_("Free label that rules refer to, e.g. province, commune, department.")
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=500, editable=False, db_index=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class UnitHeadTerm(models.Model):
    """Who was head of a unit when. The open term (ended_on is null) is the current head."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="head_terms", verbose_name=_("unit"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="head_terms", verbose_name=_("head")
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "-started_on"]
        verbose_name = _("head term")
        verbose_name_plural = _("head terms")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(ended_on__isnull=True), name="one_current_head_per_unit"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.unit} ({self.started_on}–{self.ended_on or ''})"


class Role(models.TextChoices):
    RECEPTION = "reception", _("Reception officer")
    HANDLER = "handler", _("Handling officer")
    HEAD = "head", _("Head")
    INSPECTOR = "inspector", _("Inspector")
    ADMIN = "admin", _("Administrator")


class Membership(models.Model):
    """A staff member works in a unit with a role; they act on that unit and its descendants."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class Notification(models.Model):
    """In-app notification and e-mail outbox row, written in the same transaction as its cause."""

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not e-mailed: no address")
        # A "due soon" notice still queued once the deadline has passed: never sent late.
        STALE = "stale", _("Not e-mailed: out of date")

    # A staff member or a citizen's account; or, for a citizen who filed without an account, only
    # the e-mail address given on the form (encrypted: it may be a denouncer's).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    email = EncryptedTextField(_("e-mail address"), blank=True, db_default="")
    # A file sent with the e-mail (the filing receipt: it holds the access key), base64 and
    # encrypted, wiped once sent.
    attachment_name = models.CharField(max_length=100, blank=True, db_default="")
    attachment = EncryptedTextField(blank=True, db_default="")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # Not e-mailed after this day (the due date of a "due soon" notice); null: no limit.
    email_until = models.DateField(_("e-mail until"), null=True, blank=True)
    # A digest (e.g. one per recipient per deadline sweep) has a key unique per recipient, so a rerun
    # cannot tell anyone twice, and its items (JSON, the writer's own format) listed on its own page.
    digest_key = models.CharField(max_length=64, blank=True)
    items = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["email_status"], condition=Q(email_status="pending"), name="notification_outbox"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "digest_key"], condition=~Q(digest_key=""), name="one_digest_per_recipient"
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(email=""), name="notification_has_recipient"
            ),
        ]

    def __str__(self):
        return self.title


class Heartbeat(models.Model):
    """The last successful run of a periodic job (core.heartbeat), for /readyz and the dead-man's switch."""

    name = models.CharField(max_length=50, unique=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name
