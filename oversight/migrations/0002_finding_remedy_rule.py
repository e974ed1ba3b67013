"""The remedy of an inspection finding is a generic deadline (`finding.remedy`): the inspector sets
the date; the rule gives the default length and the warning thresholds, and the admin may edit it."""

from django.db import migrations


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    DeadlineRule.objects.get_or_create(
        code="finding.remedy",
        defaults={
            "name": "Khắc phục tồn tại, vi phạm theo kết luận kiểm tra",
            "basis": "Regulation 11-QĐi/TW; Hanoi Plan 229-KH/TU",
            "start_event": "subject",
            "length": 30,
            "unit": "calendar",
            "due_soon_days": 3,
            "long_overdue_days": 10,
            "met_when": "outcome",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("deadlines", "DeadlineRule").objects.filter(code="finding.remedy", deadlines__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_findings_and_report_jobs"), ("deadlines", "0003_generic_subjects")]

    operations = [migrations.RunPython(seed, unseed)]
