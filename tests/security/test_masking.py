import logging

from core.masking import IdentityMaskingFilter, mask_digits, mask_email, mask_identifiers, mask_name


def test_masks():
    assert mask_name("Nguyễn Văn An") == "N***n V** A*"
    assert mask_digits("0912345678") == "0*******78"
    assert mask_digits("001085012345") == "0*********45"
    assert mask_digits("") == ""
    assert mask_email("an.nguyen@example.vn") == "a***@e***"


def test_identifiers_in_free_text_are_masked():
    text = "ID 001085012345, phone 0912 345 678 or +84912345678, code 7KQ2-M9XD-3H, year 2026"
    masked = mask_identifiers(text)
    assert "001085012345" not in masked and "0912 345 678" not in masked and "+84912345678" not in masked
    assert "7KQ2-M9XD-3H" in masked and "2026" in masked


def test_the_logging_filter_masks_what_slips_through():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "lookup %s by %s", ("001085012345", "0912345678"), None)
    assert IdentityMaskingFilter().filter(record)
    assert record.getMessage() == "lookup 0*********45 by 0*******78"


def test_the_filter_is_on_the_console_handler():
    from django.conf import settings

    assert "mask_identity" in settings.LOGGING["handlers"]["console"]["filters"]
