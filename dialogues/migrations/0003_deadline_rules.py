"""The clocks of dialogues and hotspots as deadline rules an administrator edits (codes are a contract)."""

from django.db import migrations

RULES = [
    {
        "code": "dialogue.minutes",
        "name": "Hoàn thành biên bản đối thoại",
        "basis": "Quy định 11-QĐi/TW; Kế hoạch 229-KH/TU (có thể điều chỉnh)",
        "length": 5,
        "unit": "working",
        "due_soon_days": 1,
        "long_overdue_days": 5,
    },
    {
        # The chair fixes each action's due date; only the warning thresholds come from here.
        "code": "dialogue.followup",
        "name": "Thực hiện việc sau đối thoại",
        "basis": "Biên bản đối thoại (thời hạn do chủ trì ấn định)",
        "length": 0,
        "unit": "calendar",
        "due_soon_days": 2,
        "long_overdue_days": 5,
    },
    {
        "code": "hotspot.response",
        "name": "Người đứng đầu tiếp công dân đột xuất hoặc đối thoại về điểm nóng",
        "basis": "Quy định 11-QĐi/TW Điều 3; Kế hoạch 229-KH/TU (có thể điều chỉnh)",
        "length": 5,
        "unit": "working",
        "due_soon_days": 2,
        "long_overdue_days": 5,
    },
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    for rule in RULES:
        DeadlineRule.objects.get_or_create(
            code=rule["code"], defaults={**rule, "start_event": "subject", "met_when": "outcome"}
        )


def unseed(apps, schema_editor):
    apps.get_model("deadlines", "DeadlineRule").objects.filter(code__in=[r["code"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dialogues", "0002_pg_trgm_and_thresholds"),
        ("deadlines", "0003_generic_subjects"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
