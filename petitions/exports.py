"""CSV export of the caseload with the fields of the national database on reception and complaints
(Decree 55/2022). Streamed row by row, so a year of a province fits in constant memory.

Denouncers' identity is always masked; other petitioners' identity goes to the staff member who
may see the case anyway (the export only covers their jurisdiction).
"""

import csv
import datetime

from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exports import formula_guard
from core.models import Unit, User

from . import selectors
from .models import Petition

CHUNK_SIZE = 500


def header() -> list[str]:
    return [
        _("Tracking code"),
        _("Received on"),
        _("Channel"),
        _("Kind"),
        _("Receiving unit code"),
        _("Receiving unit"),
        _("Status"),
        _("Accepted on"),
        _("Resolved on"),
        _("Decision"),
        _("Handling unit code"),
        _("Forwarded to"),
        _("Number of people"),
        _("Petitioner name"),
        _("Petitioner ID number"),
        _("Petitioner address"),
    ]


def _date(value) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def _safe(value) -> str:
    """Spreadsheets run cells that start like a formula; a leading apostrophe keeps them text."""
    return formula_guard("" if value is None else str(value))


def row(petition: Petition) -> list[str]:
    petitioner = getattr(petition, "petitioner", None)
    if petitioner is None or petition.identity_protected:
        # Protected identities leave no trace in exports, not even masked (Law on Denunciations Art. 47).
        name = id_number = address = ""
    else:
        name, id_number, address = petitioner.full_name, petitioner.id_number, petitioner.address
    handling_unit = petition.forwarded_to or petition.unit
    values = [
        petition.tracking_code,
        _date(petition.received_at),
        petition.get_channel_display(),
        petition.get_kind_display(),
        petition.unit.code,
        petition.unit.name,
        petition.get_status_display(),
        _date(petition.accepted_at),
        _date(getattr(petition, "resolved_at", None)),
        petition.decision_text,
        handling_unit.code,
        petition.forwarded_to.name if petition.forwarded_to else petition.forwarded_to_body,
        petition.people_count,
        name,
        id_number,
        address,
    ]
    return [_safe(v) for v in values]


class _Echo:
    def write(self, value):
        return value


def rows(user: User, *, unit: Unit | None, date_from: datetime.date | None, date_to: datetime.date | None, language):
    """Runs while the response is sent, after the view returned: the language is set again here."""
    writer = csv.writer(_Echo())
    with translation.override(language):
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        yield writer.writerow(header())
        queryset = selectors.petitions_for_export(user, unit=unit, date_from=date_from, date_to=date_to)
        for petition in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield writer.writerow(row(petition))


def petitions_csv_response(
    user: User, *, unit: Unit | None = None, date_from=None, date_to=None
) -> StreamingHttpResponse:
    name = f"petitions-{unit.code if unit else 'all'}-{date_from or 'start'}-{date_to or timezone.localdate()}.csv"
    response = StreamingHttpResponse(
        rows(user, unit=unit, date_from=date_from, date_to=date_to, language=translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
