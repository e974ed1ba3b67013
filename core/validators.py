import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CITIZEN_ID_RE = re.compile(r"^\d{12}$")
PHONE_RE = re.compile(r"^(?:\+84|0)(?:3|5|7|8|9|2\d)\d{7,8}$")


def validate_citizen_id(value: str) -> None:
    if not CITIZEN_ID_RE.match(value or ""):
        raise ValidationError(_("A citizen ID number has exactly 12 digits."), code="citizen_id")


def validate_phone(value: str) -> None:
    if not PHONE_RE.match((value or "").replace(" ", "").replace(".", "")):
        raise ValidationError(_("Enter a Vietnamese phone number, e.g. 0912345678 or +84912345678."), code="phone")
