"""Masked forms of identity fields, for every place that is not an explicit reveal.

The masks keep just enough to tell two records apart on a list ("N***n V** A*", "0*******78") and
never enough to rebuild the value.
"""

import logging
import re


def mask_name(value: str) -> str:
    words = (value or "").split()
    return " ".join(w[0] + "***" + w[-1] if len(w) >= 4 else w[0] + "*" * (len(w) - 1) for w in words)


def mask_digits(value: str) -> str:
    value = (value or "").strip()
    if len(value) <= 4:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 3) + value[-2:]


def mask_email(value: str) -> str:
    local, at, domain = (value or "").partition("@")
    if not at:
        return mask_digits(value)
    return f"{local[:1]}***@{domain[:1]}***"


def mask_address(value: str) -> str:
    return "***" if (value or "").strip() else ""


def masked_identity(petitioner) -> dict[str, str]:
    """The five identity fields of a Petitioner-like object, masked."""
    return {
        "full_name": mask_name(petitioner.full_name),
        "id_number": mask_digits(petitioner.id_number),
        "phone": mask_digits(petitioner.phone),
        "email": mask_email(petitioner.email),
        "address": mask_address(petitioner.address),
    }


# 12-digit citizen ID numbers and Vietnamese phone numbers (0xxxxxxxxx, +84xxxxxxxxx), with the
# separators people type.
ID_NUMBER_RE = re.compile(r"(?<!\d)\d{12}(?!\d)")
PHONE_RE = re.compile(r"(?<![\d+])(?:\+84|0)(?:[\s.]?\d){9,10}(?!\d)")


# Secrets that old links or clients may still put in a query string: access keys and passwords.
SECRET_PARAM_RE = re.compile(r"(?i)\b((?:access_)?key|password|token)=([^&\s\"']+)")


def mask_identifiers(text: str) -> str:
    text = SECRET_PARAM_RE.sub(lambda m: f"{m.group(1)}=***", text)
    text = ID_NUMBER_RE.sub(lambda m: mask_digits(m.group()), text)
    return PHONE_RE.sub(lambda m: mask_digits(re.sub(r"[\s.]", "", m.group())), text)


class IdentityMaskingFilter(logging.Filter):
    """Second line of defence: no code should log identities, but if some does, ID numbers, phone
    numbers and access keys in query strings are masked before the record reaches a handler.

    Attached to every handler: the LOGGING handlers (including runserver's "django.server" access
    log) and gunicorn's access and error logs (MaskingGunicornLogger, config/gunicorn.conf.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the handler's problem, not ours
            return True
        masked = mask_identifiers(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def mask_all_handlers() -> None:
    """Attach the filter to every handler configured so far (a safety net for handlers that a
    library adds outside LOGGING)."""
    masking = IdentityMaskingFilter()
    loggers = [
        logging.getLogger(),
        *(lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, IdentityMaskingFilter) for f in handler.filters):
                handler.addFilter(masking)


try:  # gunicorn is the production server; the portal imports without it (tests, runserver)
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object


class MaskingGunicornLogger(_GunicornLogger):
    """gunicorn's logger with the masking filter on its access and error handlers (the access line,
    request line, query string and referer included, is masked as one formatted message)."""

    def setup(self, cfg):
        super().setup(cfg)
        for logger in (self.access_log, self.error_log):
            for handler in logger.handlers:
                handler.addFilter(IdentityMaskingFilter())
