"""Uploads are checked by their content, not by what the browser or the file name claims."""

from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

EXTENSION_ALIASES = {"jpeg": "jpg"}


def validate_upload(upload) -> tuple[str, str]:
    """Return (extension, content type) of an acceptable upload or raise ValidationError."""
    if upload.size == 0:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": upload.name})
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file %(name)s is larger than %(limit)s.")
            % {"name": upload.name, "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    allowed = settings.UPLOAD_ALLOWED_TYPES
    claimed = EXTENSION_ALIASES.get(Path(upload.name).suffix.lower().lstrip("."), Path(upload.name).suffix.lower()[1:])
    if kind is None or EXTENSION_ALIASES.get(kind.extension, kind.extension) not in allowed:
        raise ValidationError(
            _("The file %(name)s is not an accepted type (accepted: %(types)s).")
            % {"name": upload.name, "types": ", ".join(t.upper() for t in allowed)}
        )
    detected = EXTENSION_ALIASES.get(kind.extension, kind.extension)
    if claimed != detected:
        raise ValidationError(
            _("The file %(name)s is named .%(claimed)s but its content is %(detected)s.")
            % {"name": upload.name, "claimed": claimed, "detected": detected.upper()}
        )
    return detected, allowed[detected]


def validate_uploads(uploads) -> list[tuple]:
    if len(uploads) > settings.UPLOAD_MAX_FILES:
        raise ValidationError(_("At most %(n)d files may be attached.") % {"n": settings.UPLOAD_MAX_FILES})
    return [(upload, *validate_upload(upload)) for upload in uploads]
