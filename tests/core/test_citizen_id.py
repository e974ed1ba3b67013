"""The structure of the Vietnamese citizen ID (Circular 07/2016/TT-BCA): province code, century/sex, year."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.validators import PROVINCE_CODES, normalize_digits, validate_citizen_id


def test_the_official_list_has_63_province_codes():
    assert len(PROVINCE_CODES) == 63 and "001" in PROVINCE_CODES and "096" in PROVINCE_CODES
    assert not {"003", "005", "097", "000"} & PROVINCE_CODES


def test_full_width_digits_spaces_and_dots_are_normalised():
    assert normalize_digits("０７９ ２０５.０１２３４５") == "079205012345"


@time_machine.travel("2026-11-27 10:00 +0700")
@pytest.mark.parametrize("value", ["001085012345", "079205012345", "096300000001", "001190000123"])
def test_plausible_ids_pass(value):
    validate_citizen_id(value)


@time_machine.travel("2026-11-27 10:00 +0700")
@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("00108501234", "citizen_id"),  # 11 digits
        ("0010850123456", "citizen_id"),  # 13 digits: refused, never cut
        ("００１０８５０１２３４５", "citizen_id"),  # full-width must be normalised by the caller first
        ("003085012345", "citizen_id_province"),
        ("099085012345", "citizen_id_province"),
        ("001227012345", "citizen_id_year"),  # a woman born in 2027: the future
        ("001485012345", "citizen_id_year"),  # 2185
        ("001999012345", "citizen_id_year"),  # 2399
    ],
)
def test_implausible_ids_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_citizen_id(value)
    assert exc.value.code == code
