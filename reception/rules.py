"""Pure rules of the Law on Citizen Reception 2013 and Regulation 11, kept free of the database."""

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

# The head's written notice of a conclusion (Regulation 11): a deadline rule code, a contract.
WRITTEN_NOTICE = "reg11.written_notice"


@dataclass(frozen=True)
class RepresentativeRule:
    minimum: int
    maximum: int


def representatives_rule(people_count: int) -> RepresentativeRule:
    """How many representatives a group may choose (Law on Citizen Reception 2013 Art. 30(2)).

    5–10 people choose 1 or 2; more than 10 may choose more, up to 5; below 5 there is no rule,
    so none is required and anyone present may speak.
    """
    if people_count < 5:
        return RepresentativeRule(0, max(people_count, 0))
    if people_count <= 10:
        return RepresentativeRule(1, 2)
    return RepresentativeRule(1, 5)


def representatives_error(people_count: int, representatives: int) -> str | None:
    """The message to show when a group's representatives break the rule, else None."""
    rule = representatives_rule(people_count)
    if representatives < rule.minimum:
        return _("A group of %(n)d people must choose at least %(min)d representative(s).") % {
            "n": people_count,
            "min": rule.minimum,
        }
    if representatives > rule.maximum:
        return _("A group of %(n)d people may choose at most %(max)d representative(s); %(given)d were given.") % {
            "n": people_count,
            "max": rule.maximum,
            "given": representatives,
        }
    return None


def weeks_in_month(year: int, month: int) -> int:
    """ISO weeks assigned to the month (those whose Thursday falls in it): 4 or 5."""
    days = calendar.monthrange(year, month)[1]
    return sum(1 for d in range(1, days + 1) if datetime.date(year, month, d).weekday() == calendar.THURSDAY)


def required_sessions_in_month(sessions: int, period: str, year: int, month: int) -> int:
    if period == "week":
        return sessions * weeks_in_month(year, month)
    return sessions
