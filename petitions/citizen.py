"""What a citizen is told about their own petition: the next legal step and, once decided, their rights.

Reads only (selectors); the status page, the receipt, the confirmation e-mail and the API's tracking
answer all use it, so they always say the same thing.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deadlines.dates import compute_due_dates, local_date
from deadlines.models import Deadline, DeadlineRule

from .models import Attachment, Kind, Petition
from .workflow import Status

# What the unit must do by the due date, in plain words, per rule code (codes are a contract).
RULE_DUTIES = {
    "petition.processing": gettext_lazy(
        "The unit must examine your petition and accept it, or forward it to the competent body, "
        "or tell you where to send it."
    ),
    "reg11.written_notice": gettext_lazy("The head must answer you in writing after the reception session."),
    "complaint.acceptance": gettext_lazy(
        "The unit must decide whether it accepts your complaint for resolution and tell you in writing."
    ),
    "complaint.first_resolution": gettext_lazy("The unit must resolve your complaint and issue a decision."),
    "complaint.second_resolution": gettext_lazy("The unit must resolve your second complaint and issue a decision."),
    "denunciation.intake": gettext_lazy(
        "The unit must examine your denunciation and decide whether it accepts it for resolution."
    ),
    "denunciation.acceptance_notice": gettext_lazy("The unit must tell you that your denunciation was accepted."),
    "denunciation.resolution": gettext_lazy("The unit must conclude on the content of your denunciation."),
    "recommendation.reply": gettext_lazy("The unit must reply to your recommendation."),
    "reflection.reply": gettext_lazy("The unit must reply to your reflection."),
}


@dataclass(frozen=True)
class NextStep:
    rule_name: str
    duty: str
    due_date: datetime.date
    days_left: int
    is_overdue: bool
    is_paused: bool

    @property
    def days_overdue(self) -> int:
        return -self.days_left


def next_steps(petition: Petition, *, today: datetime.date | None = None) -> list[NextStep]:
    """The open legal clocks of the petition, soonest first, in words a citizen understands."""
    today = today or timezone.localdate()
    deadlines = (
        Deadline.objects.filter(petition=petition, closed_at__isnull=True)
        .select_related("rule")
        .order_by("due_date", "id")
    )
    return [
        NextStep(
            rule_name=d.rule.name,
            duty=str(RULE_DUTIES.get(d.rule.code, d.rule.name)),
            due_date=d.due_date,
            days_left=(d.due_date - today).days,
            is_overdue=d.paused_at is None and d.due_date < today,
            is_paused=d.paused_at is not None,
        )
        for d in deadlines
    ]


def decision_attachment(petition: Petition) -> Attachment | None:
    """The signed decision, conclusion or reply the unit issued (never a file the citizen sent)."""
    return petition.attachments.filter(is_decision=True).order_by("-created_at", "-id").first()


def decision_date(petition: Petition) -> datetime.date | None:
    """The day the petition was resolved (read once per petition object: the status page asks twice)."""
    if petition.status not in {Status.RESOLVED, Status.CLOSED}:
        return None
    if not hasattr(petition, "_decision_date"):
        entry = petition.history.filter(to_status=Status.RESOLVED).order_by("-created_at").first()
        petition._decision_date = local_date(entry.created_at) if entry else None  # type: ignore[attr-defined]
    return petition._decision_date  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Right:
    text: str
    until: datetime.date | None = None


def next_rights(petition: Petition) -> list[Right]:
    """What the citizen may do after the decision, with the dates computed from the decision date."""
    decided_on = decision_date(petition)
    if decided_on is None:
        return []
    if petition.kind == Kind.COMPLAINT:
        if petition.appeal_of_id:
            # Law on Complaints 2011 Art. 33 and 44: after the second decision only the court remains.
            return [
                Right(
                    _(
                        "If you disagree with this second decision, you may sue at the administrative court "
                        "(Law on Complaints, Art. 33; Law on Administrative Procedures)."
                    )
                )
            ]
        rule = DeadlineRule.objects.filter(code="complaint.second_filing_limit", is_active=True).first()
        until = compute_due_dates(rule=rule, start=decided_on, is_remote=petition.is_remote).due_date if rule else None
        days = rule.length_for(is_remote=petition.is_remote) if rule else (45 if petition.is_remote else 30)
        return [
            Right(
                _(
                    "If you disagree with this decision, or it is not carried out, you may file a second complaint "
                    "with the head of the next level up within %(days)d days of receiving it, that is by "
                    "%(date)s (Law on Complaints, Art. 33; 45 days in remote areas)."
                )
                % {"days": days, "date": f"{until:%d/%m/%Y}" if until else "—"},
                until,
            ),
            Right(
                _(
                    "Or you may sue at the administrative court instead (Law on Complaints, Art. 33; "
                    "Law on Administrative Procedures)."
                )
            ),
        ]
    if petition.kind == Kind.DENUNCIATION:
        return [
            Right(
                _(
                    "If you have grounds to believe the resolution was not lawful, you may denounce again to the "
                    "head of the next level up, with those grounds (Law on Denunciations, Art. 37)."
                )
            ),
            Right(
                _(
                    "You keep the right to have your identity kept confidential and to be protected "
                    "(Law on Denunciations, Art. 9 and 47)."
                )
            ),
        ]
    return [
        Right(
            _(
                "If the reply does not settle the matter, you may send a new recommendation or reflection, "
                "or a complaint if a decision affects your rights."
            )
        )
    ]
