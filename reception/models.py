import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.audit import ChainedModel
from core.crypto import EncryptedTextField
from core.models import Unit
from petitions.models import CODE_ALPHABET, Kind, Petition


def new_confirmation_code() -> str:
    """Random, not sequential (40 bits), readable over the phone: e.g. 7KQ2-M9XD."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class Period(models.TextChoices):
    MONTH = "month", _("per month")
    WEEK = "week", _("per week")


class RequiredFrequency(models.Model):
    """How many reception days the head of a unit of a given level must hold (configurable data)."""

    level = models.CharField(_("unit level"), max_length=50, unique=True)
    sessions = models.PositiveSmallIntegerField(_("sessions"), validators=[MinValueValidator(1)])
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, default=Period.MONTH)
    basis = models.TextField(_("legal basis"), blank=True)

    class Meta:
        ordering = ["level"]
        verbose_name = _("required reception frequency")
        verbose_name_plural = _("required reception frequencies")

    def __str__(self):
        return f"{self.level}: {self.sessions} {self.get_period_display()}"


class ReceptionSchedule(models.Model):
    """A unit's regular reception day: every given weekday, or a given day of each month."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reception_schedules", verbose_name=_("unit"))
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        null=True,
        blank=True,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Months without this day get no session."),
    )
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("capacity (people)"), default=20)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["unit", "weekday", "day_of_month", "start_time"]
        verbose_name = _("reception schedule")
        verbose_name_plural = _("reception schedules")
        constraints = [
            models.CheckConstraint(
                condition=(Q(weekday__isnull=False) & Q(day_of_month__isnull=True))
                | (Q(weekday__isnull=True) & Q(day_of_month__isnull=False)),
                name="schedule_weekday_xor_day_of_month",
            ),
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="schedule_ends_after_start"),
        ]

    def __str__(self):
        when = self.get_weekday_display() if self.weekday is not None else _("day %(d)s") % {"d": self.day_of_month}
        return f"{self.unit} – {when} {self.start_time:%H:%M}"

    def occurs_on(self, day: datetime.date) -> bool:
        if self.weekday is not None:
            return day.weekday() == self.weekday
        return day.day == self.day_of_month


class SessionKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    AD_HOC = "ad_hoc", _("Ad hoc")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ReceptionSession(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reception_sessions", verbose_name=_("unit"))
    schedule = models.ForeignKey(
        ReceptionSchedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    place = models.CharField(_("place"), max_length=200)
    kind = models.CharField(
        pgettext_lazy("reception session", "kind"),
        max_length=10,
        choices=SessionKind.choices,
        default=SessionKind.REGULAR,
    )
    reason = models.TextField(_("reason for an ad-hoc session"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity (people)"), default=20)
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received citizens"),
    )
    # True when held_by was the unit's head on that day; a delegate's session does not count for the head.
    held_in_person = models.BooleanField(_("held by the head in person"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "start_time", "unit"]
        verbose_name = _("reception session")
        verbose_name_plural = _("reception sessions")
        constraints = [
            models.UniqueConstraint(fields=["unit", "date", "start_time"], name="one_session_per_unit_slot"),
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="session_ends_after_start"),
        ]
        indexes = [models.Index(fields=["date", "status"], name="session_date_status")]

    def __str__(self):
        return f"{self.unit} – {self.date:%d/%m/%Y} {self.start_time:%H:%M}"

    @property
    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    MOVED = "moved", _("Moved to another session")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled by the citizen")
    ATTENDED = "attended", _("Attended")


B = BookingStatus
ACTIVE_BOOKING_STATUSES = frozenset({B.PENDING, B.CONFIRMED, B.MOVED})
BOOKING_TRANSITIONS: dict[str, frozenset[str]] = {
    B.PENDING: frozenset({B.CONFIRMED, B.MOVED, B.DECLINED, B.CANCELLED, B.ATTENDED}),
    B.CONFIRMED: frozenset({B.MOVED, B.DECLINED, B.CANCELLED, B.ATTENDED}),
    B.MOVED: frozenset({B.CONFIRMED, B.MOVED, B.DECLINED, B.CANCELLED, B.ATTENDED}),
    B.DECLINED: frozenset(),
    B.CANCELLED: frozenset(),
    B.ATTENDED: frozenset(),
}


class Booking(models.Model):
    session = models.ForeignKey(ReceptionSession, on_delete=models.PROTECT, related_name="bookings")
    confirmation_code = models.CharField(
        _("confirmation code"), max_length=9, unique=True, default=new_confirmation_code
    )
    full_name = EncryptedTextField(_("full name"))
    phone = EncryptedTextField(_("phone"))
    id_number = EncryptedTextField(_("citizen ID number"))
    id_number_digest = models.CharField(max_length=64, db_index=True)
    summary = models.TextField(_("summary of the matter"))
    people_count = models.PositiveSmallIntegerField(_("number of people"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices, default=B.PENDING)
    staff_message = models.TextField(_("message to the citizen"), blank=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reception_bookings"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "id_number_digest"],
                condition=Q(status__in=["pending", "confirmed", "moved"]),
                name="one_active_booking_per_person_and_session",
            ),
            models.CheckConstraint(condition=Q(people_count__gte=1), name="booking_at_least_one_person"),
        ]

    def __str__(self):
        return self.confirmation_code

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_BOOKING_STATUSES


class BookingEvent(models.Model):
    """Append-only history of a booking's status and session."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events", verbose_name=_("booking"))
    from_status = models.CharField(_("from status"), max_length=10, choices=BookingStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=10, choices=BookingStatus.choices)
    from_session = models.ForeignKey(
        ReceptionSession, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("from session")
    )
    to_session = models.ForeignKey(
        ReceptionSession, on_delete=models.PROTECT, related_name="+", verbose_name=_("to session")
    )
    message = models.TextField(_("message"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("booking event")
        verbose_name_plural = _("booking history")

    def __str__(self):
        return f"{self.booking_id}: {self.from_status} → {self.to_status}"


class Outcome(models.TextChoices):
    PENDING = "", _("Not decided yet")
    GUIDED = "guided", _("Guided")
    PETITION_REGISTERED = "petition_registered", _("Petition registered")
    FORWARDED = "forwarded", _("Forwarded")
    REFUSED = "refused", _("Refused")


class RefusalReason(models.TextChoices):
    """Law on Citizen Reception 2013, Art. 9."""

    INCAPACITATED = "incapacitated", _("Intoxicated, or unable to understand or control their conduct (Art. 9(1))")
    MISCONDUCT = (
        "misconduct",
        _("Threatening or insulting the reception staff, or breaking the rules of the reception place (Art. 9(2))"),
    )
    ALREADY_SETTLED = (
        "already_settled",
        _("Keeps pursuing a case already settled correctly and notified in writing (Art. 9(3))"),
    )


class Visit(models.Model):
    """One row of the reception book (Form 03, Circular 04/2021/TT-TTCP)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="visits", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(editable=False)
    serial = models.PositiveIntegerField(_("no."), editable=False)
    visited_on = models.DateField(_("date"))
    full_name = EncryptedTextField(_("full name"))
    address = EncryptedTextField(_("address"), blank=True)
    id_number = EncryptedTextField(_("citizen ID number"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True)
    content = models.TextField(_("content"))
    petition_kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    # Set when the visit is logged or registered as a denunciation, or the visitor asks for it, and
    # never cleared by a change of kind (Law on Denunciations 2018 Art. 47, Decree 31/2019).
    identity_protected = models.BooleanField(_("identity kept confidential"), default=False)
    people_count = models.PositiveSmallIntegerField(_("number of people"), default=1)
    previously_handled_by = models.CharField(_("body that already handled it"), max_length=200, blank=True)

    outcome = models.CharField(_("handling"), max_length=20, choices=Outcome.choices, blank=True, default="")
    guidance = models.TextField(_("guidance given"), blank=True)
    forwarded_to = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("forwarded to")
    )
    forwarded_to_body = models.CharField(_("forwarded to (outside body)"), max_length=200, blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=20, choices=RefusalReason.choices, blank=True)
    refusal_detail = models.TextField(_("details of the refusal"), blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    follow_up = models.TextField(_("follow-up result"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    session = models.ForeignKey(
        ReceptionSession, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="visit")
    petition = models.OneToOneField(
        Petition, on_delete=models.PROTECT, null=True, blank=True, related_name="reception_visit"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-visited_on", "-serial"]
        verbose_name = _("visit")
        verbose_name_plural = _("reception book")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "serial"], name="visit_serial_per_unit_year"),
            models.CheckConstraint(
                condition=~Q(outcome="refused") | ~Q(refusal_reason=""), name="refusal_needs_reason"
            ),
        ]
        indexes = [models.Index(fields=["unit", "-visited_on"], name="visit_unit_date")]

    def __str__(self):
        return f"{self.serial}/{self.year}"

    @property
    def is_denunciation(self) -> bool:
        return self.petition_kind == Kind.DENUNCIATION

    @property
    def is_protected(self) -> bool:
        """The identity is shown only through the audited reveal (load `petition` with the visit)."""
        return (
            self.identity_protected
            or self.is_denunciation
            or (self.petition_id is not None and (self.petition.identity_protected or self.petition.is_denunciation))
        )


# The same test as Visit.is_protected, for querysets (search, look-ups).
PROTECTED_VISITS = (
    Q(identity_protected=True)
    | Q(petition_kind=Kind.DENUNCIATION)
    | Q(petition__identity_protected=True)
    | Q(petition__kind=Kind.DENUNCIATION)
)


class VisitIdentityReveal(ChainedModel):
    """Append-only access log: who saw a protected visitor's identity, when and why (Decree 31/2019).

    Written only by reception.services.visit_identity_reveal (chain_create); there is no update or
    delete path, and the rows are chained by hash per visit (core.audit) so a rewrite shows.
    """

    chain_key = "visit_id"
    chain_fields = ("user_id", "reason", "created_at")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="identity_reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("visitor identity reveal")
        verbose_name_plural = _("visitor identity reveals")
        indexes = [models.Index(fields=["visit", "user", "-created_at"], name="reveal_visit_user")]

    def __str__(self):
        return f"{self.visit_id} – {self.user_id} – {self.created_at:%d/%m/%Y %H:%M}"


class VisitRepresentative(models.Model):
    """A representative chosen by a group of visitors."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="representatives")
    full_name = EncryptedTextField(_("full name"))
    id_number = EncryptedTextField(_("citizen ID number"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["visit", "position"]

    def __str__(self):
        return f"{self.visit_id}#{self.position}"


class BookCounter(models.Model):
    """Last serial number used in a unit's reception book for a year."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_book_counter_per_unit_year")]

    def __str__(self):
        return f"{self.unit_id}/{self.year}: {self.last}"


class Direction(models.TextChoices):
    ACCEPT = "accept", _("Accept and handle")
    FORWARD = "forward", _("Forward to the competent body")
    GUIDE = "guide", _("Guide the citizen")


class HeadConclusion(models.Model):
    """The head's conclusion on one case received in a session they held in person."""

    session = models.ForeignKey(ReceptionSession, on_delete=models.PROTECT, related_name="conclusions")
    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="conclusion")
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    text = models.TextField(_("conclusion"))
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    concluded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["concluded_at"]
        verbose_name = _("head's conclusion")
        verbose_name_plural = _("head's conclusions")

    def __str__(self):
        return f"{self.visit} – {self.get_direction_display()}"


class WrittenAnswer(models.Model):
    """The written answer the citizen gets after a head's reception, within 10 working days (Reg. 11).

    Recording it meets the conclusion's `reg11.written_notice` deadline.
    """

    conclusion = models.OneToOneField(HeadConclusion, on_delete=models.PROTECT, related_name="written_answer")
    reference = models.CharField(_("document number"), max_length=60, blank=True)
    answered_on = models.DateField(_("date of the answer"))
    text = models.TextField(_("text of the answer"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answered_on", "id"]
        verbose_name = _("written answer")
        verbose_name_plural = _("written answers")

    def __str__(self):
        return f"{self.conclusion.visit} – {self.answered_on:%d/%m/%Y}"


class SessionHistory(models.Model):
    """Append-only: every change of a session's status (held, cancelled), who made it and why."""

    session = models.ForeignKey(ReceptionSession, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=10, choices=SessionStatus.choices)
    to_status = models.CharField(max_length=10, choices=SessionStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("session history entry")
        verbose_name_plural = _("session history")

    def __str__(self):
        return f"{self.session_id}: {self.from_status} → {self.to_status}"


class VisitHistory(models.Model):
    """Append-only: the decision on a visit's handling (guided, forwarded, refused, petition registered)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=20)
    from_outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    to_outcome = models.CharField(max_length=20, choices=Outcome.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("visit history entry")
        verbose_name_plural = _("visit history")

    def __str__(self):
        return f"{self.visit_id}: {self.to_outcome}"
