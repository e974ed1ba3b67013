"""The reception book (Form 03, Circular 04/2021/TT-TTCP) as rows for print, CSV and XLSX.

A protected visitor's identity (a denouncer's, or one who asked for confidentiality) never leaves
the portal (Law on Denunciations 2018 Art. 47): in every output their name, address, ID number and
representatives are replaced by a neutral mark, with nothing of the identity left in it.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.exports import formula_guard

from .models import Outcome

CHUNK = 500


def headers() -> list[str]:
    return [
        _("No."),
        _("Date"),
        _("Full name"),
        _("Address"),
        _("Citizen ID number"),
        _("Content"),
        _("Kind"),
        _("Number of people"),
        _("Body that already handled it"),
        _("Handling"),
        _("Follow-up result"),
        _("Notes"),
        _("Unit"),
    ]


def handling_text(visit) -> str:
    if visit.outcome == Outcome.GUIDED:
        return _("Guided: %(text)s") % {"text": visit.guidance}
    if visit.outcome == Outcome.PETITION_REGISTERED:
        return _("Accepted as petition %(code)s") % {"code": visit.petition.tracking_code if visit.petition else ""}
    if visit.outcome == Outcome.FORWARDED:
        return _("Forwarded to %(to)s") % {"to": visit.forwarded_to or visit.forwarded_to_body}
    if visit.outcome == Outcome.REFUSED:
        return _("Refused: %(reason)s") % {"reason": visit.get_refusal_reason_display()}
    return ""


def book_rows(visits):
    """Rows of Form 03. A protected visitor's identity is not even masked: a neutral mark only."""
    hidden = _("Confidential identity")
    for visit in visits:
        secret = visit.is_protected
        representatives = [r.full_name for r in visit.representatives.all()] if not secret else []
        notes = visit.notes
        if representatives:
            notes = "; ".join(
                filter(None, [_("Representatives: %(names)s") % {"names": ", ".join(representatives)}, notes])
            )
        yield [
            visit.serial,
            visit.visited_on,
            hidden if secret else visit.full_name,
            hidden if secret else visit.address,
            hidden if secret else visit.id_number,
            visit.content,
            visit.get_petition_kind_display(),
            visit.people_count,
            visit.previously_handled_by,
            handling_text(visit),
            visit.follow_up,
            notes,
            str(visit.unit),
        ]


_safe = formula_guard  # typed text must stay text (core/exports.py)


def book_csv(visits) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly (Vietnamese diacritics)
    writer = csv.writer(out)
    writer.writerow(headers())
    for row in book_rows(visits.iterator(chunk_size=CHUNK) if hasattr(visits, "iterator") else visits):
        writer.writerow([_safe(v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else v) for v in row])
    return out.getvalue()


def book_xlsx(visits) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = _("Reception book")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in book_rows(visits.iterator(chunk_size=CHUNK) if hasattr(visits, "iterator") else visits):
        sheet.append([_safe(v) for v in row])
        sheet.cell(row=sheet.max_row, column=2).number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFGHIJKLM", (6, 12, 24, 30, 15, 50, 14, 8, 24, 40, 30, 30, 24), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
