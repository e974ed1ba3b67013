"""The default deadline rules of domain.md (names in Vietnamese, the primary language). Codes are a contract; administrators may edit the rest."""

from django.db import migrations

W, C = "working", "calendar"
RULES = [
    # code, name, basis, start event, kind, length, unit, complex, remote, remote+complex, ext. length, max ext., met when
    ("petition.processing", "Xử lý đơn", "Circular 05/2021/TT-TTCP", "receipt", None,
     10, W, None, None, None, 0, 0, "leaves_received"),
    ("reg11.written_notice", "Trả lời bằng văn bản sau tiếp công dân của người đứng đầu", "Regulation 11-QĐi/TW", "head_reception", None,
     10, W, None, None, None, 0, 0, "leaves_received"),
    ("complaint.acceptance", "Thụ lý giải quyết khiếu nại", "Law on Complaints Art. 27", "receipt", "complaint",
     10, W, None, None, None, 0, 0, "leaves_received"),
    ("complaint.first_resolution", "Giải quyết khiếu nại lần đầu", "Law on Complaints Art. 28", "acceptance",
     "complaint", 30, C, 45, 45, 60, 0, 0, "outcome"),
    ("complaint.second_resolution", "Giải quyết khiếu nại lần hai", "Law on Complaints Art. 37", "acceptance",
     "complaint", 45, C, 60, 60, 70, 0, 0, "outcome"),
    ("complaint.filing_limit", "Thời hiệu khiếu nại", "Law on Complaints Art. 9", "decision", "complaint",
     90, C, None, None, None, 0, 0, "outcome"),
    ("complaint.second_filing_limit", "Thời hạn khiếu nại lần hai", "Law on Complaints Art. 33",
     "decision", "complaint", 30, C, None, 45, None, 0, 0, "outcome"),
    ("denunciation.intake", "Tiếp nhận, xử lý ban đầu đơn tố cáo", "Law on Denunciations Art. 24", "receipt", "denunciation",
     7, W, None, None, None, 0, 0, "leaves_received"),
    ("denunciation.acceptance_notice", "Thông báo thụ lý tố cáo", "Law on Denunciations Art. 29",
     "acceptance", "denunciation", 5, W, None, None, None, 0, 0, "leaves_accepted"),
    ("denunciation.resolution", "Giải quyết tố cáo", "Law on Denunciations Art. 30", "acceptance",
     "denunciation", 30, C, None, None, None, 30, 2, "outcome"),
    ("recommendation.reply", "Trả lời kiến nghị", "Unit policy", "receipt", "recommendation",
     15, W, None, None, None, 0, 0, "outcome"),
    ("reflection.reply", "Trả lời phản ánh", "Unit policy", "receipt", "reflection",
     15, W, None, None, None, 0, 0, "outcome"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    for code, name, basis, event, kind, length, unit, cx, rm, rmcx, ext, max_ext, met_when in RULES:
        DeadlineRule.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "basis": basis,
                "start_event": event,
                "applies_to_kind": kind,
                "length": length,
                "unit": unit,
                "length_complex": cx,
                "length_remote": rm,
                "length_remote_complex": rmcx,
                "extension_length": ext,
                "max_extensions": max_ext,
                "met_when": met_when,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("deadlines", "DeadlineRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
