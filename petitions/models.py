import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import ChainedModel
from core.crypto import EncryptedTextField
from core.files import encrypted_storage
from core.models import Unit
from core.vocabulary import Kind  # re-exported: `from petitions.models import Kind` keeps working

from .workflow import Action, Status

# Crockford's base32 without look-alike letters: codes are read aloud over the phone.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_tracking_code() -> str:
    """Random, not sequential: 50 bits of entropy, grouped for reading (e.g. 7KQ2-M9XD-3H)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_tracking_code(text: str) -> str:
    """What a citizen types, in any case, with or without dashes or spaces, as stored (XXXX-XXXX-XX).

    Crockford's reading rules make look-alikes equal: O is 0, I and L are 1.
    """
    raw = "".join(c for c in unicodedata.normalize("NFKC", text or "") if c.isalnum()).upper()
    raw = raw.translate(str.maketrans("OIL", "011"))
    if len(raw) != 10:
        return (text or "").strip().upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("Post")
    FORWARDED = "forwarded", _("Forwarded by another body")
    HEAD_RECEPTION = "head_reception", _("Head's reception session")
    IMPORTED = "imported", _("Imported from another portal")


class Obstacle(models.TextChoices):
    """Legitimate obstacles that excuse a late complaint (Law on Complaints 2011 Art. 9)."""

    ILLNESS = "illness", _("Illness")
    DISASTER = "disaster", _("Natural disaster or enemy sabotage")
    TRAVEL = "travel", _("Work or study far away")
    OTHER = "other", _("Another objective obstacle")


class Petition(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=14, unique=True, default=new_tracking_code)
    access_key_digest = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    # The title without diacritics, lower case: "ngap ung" finds "ngập úng" on every database.
    search_text = models.CharField(max_length=200, blank=True, editable=False)
    people_count = models.PositiveIntegerField(_("number of people"), default=1)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    # Law on Denunciations 2018 Art. 47, Decree 31/2019: set when the petition is filed or registered as a
    # denunciation, or the petitioner asks for confidentiality. Reclassification never clears it; only a
    # head's recorded decision does (petition_protection_lift). Every surface masks by this flag, not by kind.
    identity_protected = models.BooleanField(_("identity protected"), default=False)
    is_complex = models.BooleanField(_("complex case"), default=False)
    # Law on Denunciations 2018 Art. 30: a complex case may be extended once, an especially complex one twice.
    is_especially_complex = models.BooleanField(_("especially complex case"), default=False)
    is_remote = models.BooleanField(_("remote area"), default=False)

    # No single-column index on unit or handler: petition_unit_status and petition_handler_status lead
    # with them, and every extra index is written again whenever a petition row is.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("receiving unit"), db_index=False
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_petitions",
        verbose_name=_("handler"),
        db_index=False,
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_petitions",
        verbose_name=_("citizen account"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    decision_text = models.TextField(_("decision"), blank=True)

    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    # Links have kinds (domain.md): a forward is the same matter at the competent unit, a first-time
    # case there; only a second complaint against a first decision opens the second-level rules.
    forwarded_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwards",
        verbose_name=_("forwarded from"),
    )
    appeal_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("second complaint against"),
    )
    # Law on Complaints Art. 9 and 33: the filing limits run from these dates.
    decision_known_on = models.DateField(_("date the complainant learned of the decision"), null=True, blank=True)
    first_decision_on = models.DateField(_("date of the first decision"), null=True, blank=True)
    late_obstacle = models.CharField(
        _("legitimate obstacle to filing in time"), max_length=10, choices=Obstacle.choices, blank=True
    )
    forwarded_to = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("forwarded to")
    )
    forwarded_to_body = models.CharField(_("forwarded to (outside body)"), max_length=200, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [
            models.Index(fields=["unit", "status", "-received_at"], name="petition_unit_status"),
            models.Index(fields=["handler", "status"], name="petition_handler_status"),
            models.Index(fields=["-received_at", "-id"], name="petition_received"),
        ]

    def __str__(self):
        return f"{self.tracking_code} – {self.title}"

    @property
    def is_denunciation(self) -> bool:
        return self.kind == Kind.DENUNCIATION


class PetitionAlert(models.Model):
    """A petition with an open deadline at a warning level, and that level (the most urgent one).

    Kept by the database, not by services: a statement-level trigger on deadlines_deadline (petitions
    migration 0015) recomputes the level of the petitions a statement touched, whatever path issued it
    (the sweep's chunk UPDATE, closing, pausing, extending, recomputing, raw SQL), and inserts, updates
    or deletes their rows here. PostgreSQL only; on SQLite the filters read the deadlines instead.

    A table of its own, narrow, rather than a column of the petition: the first sweep over a city
    raises tens of thousands of petitions scattered over the table, and rewriting each wide petition
    row (and its entries in every index) cost 12–30 s of WAL at a million; these rows cost a second.
    `unit` and `received_at` are copies of the petition's (neither changes after filing; a trigger
    follows them if they ever do), so the level filters walk one index in caseload order and the
    overview counts a jurisdiction from an index alone (docs/performance.md).
    """

    # No foreign-key constraints: the rows are derived by the trigger from petitions and deadlines,
    # which carry the constraints; checking them again cost the first sweep a second at a million.
    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, primary_key=True, related_name="alert", db_constraint=False
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    received_at = models.DateTimeField()
    level = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("deadline alert")
        indexes = [
            # The caseload filtered by level, newest first: a walk of this index that stops at the page's end.
            models.Index(fields=["-received_at", "-petition"], include=["level", "unit"], name="alert_caseload_order"),
            # The overview's counts by level over a jurisdiction: an index-only scan.
            models.Index(fields=["unit", "level"], name="alert_unit_level"),
        ]

    def __str__(self):
        return f"{self.petition_id}: {self.level}"


class StatusCount(models.Model):
    """How many petitions a unit has in each state, kept by the database for the staff overview.

    A city head's overview counted its petitions by state with an index-only scan of one entry per
    petition (318 ms at a million, growing with the table); these rows make it a read of a few hundred.
    Statement-level triggers on petitions_petition (petitions migration 0016) add each statement's net
    change per (unit, state), whatever path made it; rows are upserted in (unit, state) order so two
    statements never take their locks in opposite orders. PostgreSQL only: elsewhere the overview counts
    the petitions.
    """

    # Indexed by one_count_per_unit_status; no database constraint: the rows are derived.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    status = models.CharField(max_length=20, choices=Status.choices)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "status"], name="one_count_per_unit_status")]

    def __str__(self):
        return f"{self.unit_id} {self.status}: {self.n}"


class Petitioner(models.Model):
    """The petitioner's identity, kept apart from the case so it can be encrypted and access-controlled.

    Every identity field is encrypted at rest. Digests allow finding the same ID number or phone
    without decrypting; the searchable name is kept only for non-denunciations.
    """

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, primary_key=True, related_name="petitioner")
    full_name = EncryptedTextField(_("full name"))
    id_number = EncryptedTextField(_("citizen ID number"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True)
    name_search = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")

    def __str__(self):
        return str(_("Petitioner of %(code)s") % {"code": self.petition_id})


# Besides the staff actions, the history records receipt and decisions taken elsewhere (extensions).
HISTORY_ACTIONS = [
    ("receive", _("Received")),
    *Action.choices,
    ("extend", _("Deadline extended")),
    ("deadline", _("Deadline paused or moved")),
    ("withdraw_noted", _("Withdrawal noted, handling continues")),
    ("protect", _("Identity protection applied")),
    ("unprotect", _("Identity protection lifted")),
    ("dialogue", _("Dialogue")),  # recorded by the dialogues app (scheduling, minutes, follow-up actions)
    ("key_reset", _("New access key sent to the e-mail on record")),
]


class PetitionHistory(ChainedModel):
    """Append-only audit trail: every status change and every other action on a petition.

    Chained by hash per petition (core.audit): written only through chain_create.
    """

    chain_key = "petition_id"
    chain_fields = ("action", "from_status", "to_status", "actor_id", "reason", "is_public", "created_at")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("action"), max_length=20, choices=HISTORY_ACTIONS)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    is_public = models.BooleanField(default=True, help_text=_("Shown on the citizen's status page"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [models.Index(fields=["petition", "created_at"], name="history_petition")]

    def __str__(self):
        return f"{self.petition_id}: {self.from_status} → {self.to_status}"


class PetitionNote(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:50]


def attachment_path(instance, filename):
    # The stored name is random; the citizen's file name is kept only as metadata.
    return f"petitions/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{instance.extension}"


class Attachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    # Encrypted at rest with the identity keys (core.files); downloads decrypt.
    file = models.FileField(upload_to=attachment_path, storage=encrypted_storage)
    original_name = models.CharField(max_length=200)
    extension = models.CharField(max_length=5)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    is_decision = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty")]

    def __str__(self):
        return self.original_name


class IdentityReveal(ChainedModel):
    """Append-only access log: who saw a denouncer's identity, when and why (Decree 31/2019).

    Written only by petitions.services.petitioner_reveal; there is no update or delete path.
    Chained by hash per petition (core.audit).
    """

    chain_key = "petition_id"
    chain_fields = ("user_id", "reason", "created_at")

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="identity_reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("identity reveal")
        verbose_name_plural = _("identity reveals")
        indexes = [models.Index(fields=["petition", "user", "-created_at"], name="reveal_petition_user")]

    def __str__(self):
        return f"{self.petition_id} – {self.user_id} – {self.created_at:%Y-%m-%d %H:%M}"


class PetitionRead(models.Model):
    """One row per staff read of a petition's detail (page or API): a single cheap INSERT."""

    class Via(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(max_length=4, choices=Via.choices, default=Via.PAGE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("petition read")
        verbose_name_plural = _("petition reads")
        indexes = [models.Index(fields=["petition", "-created_at"], name="read_petition")]

    def __str__(self):
        return f"{self.petition_id} – {self.user_id}"
