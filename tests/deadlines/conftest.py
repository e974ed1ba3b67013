import datetime

from django.utils import timezone

VN = timezone.get_fixed_timezone(7 * 60)


def at(year, month, day, hour=9) -> datetime.datetime:
    """A moment in Vietnam's time zone."""
    return datetime.datetime(year, month, day, hour, tzinfo=VN)
