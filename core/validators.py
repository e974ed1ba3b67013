import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# ASCII digits only: \d would also match full-width digits, which forms normalise first (normalize_digits).
CITIZEN_ID_RE = re.compile(r"^[0-9]{12}$")
PHONE_RE = re.compile(r"^(?:\+84|0)(?:3|5|7|8|9|2\d)\d{7,8}$")

# The place-of-birth codes of the 63 provinces as issued before the 2025 merger (Circular
# 07/2016/TT-BCA, Annex): the first three digits of a 12-digit citizen ID. Numbers are not
# contiguous (003, 005, ... were never issued).
PROVINCE_CODES = frozenset(
    {
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019",
        "020", "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036",
        "037", "038", "040", "042", "044", "045", "046", "048", "049", "051", "052", "054",
        "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
        "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
        "094", "095", "096",
    }
)  # fmt: skip


def normalize_digits(value: str) -> str:
    """Full-width digits (０１２) typed on a phone keyboard become ASCII; spaces and dots go."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(value.split()).replace(".", "")


def citizen_id_birth_year(value: str) -> int:
    """Circular 07/2016 Art. 7: the 4th digit gives century and sex (0/1 = 1900s, 2/3 = 2000s, ...)."""
    return 1900 + 100 * (int(value[3]) // 2) + int(value[4:6])


def destination_given_once(to_unit, to_body: str | None) -> bool:
    """Forwarding names exactly one destination: a unit of the portal or an outside body, not both."""
    return (to_unit is not None and to_unit != "") != bool((to_body or "").strip())


DESTINATION_MESSAGE = _("Choose either a unit of the portal or name an outside body.")


def validate_citizen_id(value: str) -> None:
    """The value as it will be stored: callers normalise typed input first (normalize_digits)."""
    value = value or ""
    if not CITIZEN_ID_RE.match(value):
        raise ValidationError(_("A citizen ID number has exactly 12 digits."), code="citizen_id")
    if value[:3] not in PROVINCE_CODES:
        raise ValidationError(
            _("The first three digits of a citizen ID are a province code (001 to 096); %(code)s is not one.")
            % {"code": value[:3]},
            code="citizen_id_province",
        )
    year = citizen_id_birth_year(value)
    this_year = timezone.localdate().year
    if not this_year - 130 <= year <= this_year:
        raise ValidationError(
            _("The 4th to 6th digits of a citizen ID give the birth year; %(year)d is not possible.") % {"year": year},
            code="citizen_id_year",
        )


def validate_phone(value: str) -> None:
    if not PHONE_RE.match(normalize_digits(value)):
        raise ValidationError(_("Enter a Vietnamese phone number, e.g. 0912345678 or +84912345678."), code="phone")
