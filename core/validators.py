import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CITIZEN_ID_RE = re.compile(r"^\d{12}$")
PHONE_RE = re.compile(r"^(?:\+84|0)(?:3|5|7|8|9|2\d)\d{7,8}$")


def normalize_phone(value: str | None) -> str:
    """The one spelling of a phone number that is stored and compared: no spaces, no dots."""
    return "".join((value or "").split()).replace(".", "")


def destination_given_once(to_unit, to_body: str | None) -> bool:
    """Forwarding names exactly one destination: a unit of the portal or an outside body, not both."""
    return (to_unit is not None and to_unit != "") != bool((to_body or "").strip())


DESTINATION_MESSAGE = _("Choose either a unit of the portal or name an outside body.")


def validate_citizen_id(value: str) -> None:
    if not CITIZEN_ID_RE.match(value or ""):
        raise ValidationError(_("A citizen ID number has exactly 12 digits."), code="citizen_id")


def validate_phone(value: str) -> None:
    if not PHONE_RE.match(normalize_phone(value)):
        raise ValidationError(_("Enter a Vietnamese phone number, e.g. 0912345678 or +84912345678."), code="phone")
