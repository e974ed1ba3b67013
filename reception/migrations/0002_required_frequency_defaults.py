"""Default reception frequencies of domain.md; administrators change them as data afterwards."""

from django.db import migrations

DEFAULTS = [
    (
        "province",
        1,
        "month",
        "Quy định 11-QĐi/TW (sửa đổi theo Kết luận 215-KL/TW): người đứng đầu cấp tỉnh tiếp dân ít nhất "
        "1 ngày/tháng; Luật Tiếp công dân 2013 Điều 15: Chủ tịch UBND cấp tỉnh 1 ngày/tháng.",
    ),
    (
        "commune",
        2,
        "month",
        "Quy định 11-QĐi/TW (sửa đổi theo Kết luận 215-KL/TW): người đứng đầu cấp xã tiếp dân ít nhất "
        "2 ngày/tháng. Luật Tiếp công dân 2013 Điều 15 yêu cầu Chủ tịch UBND cấp xã 1 ngày/tuần: "
        "đổi thành 1 buổi/tuần nếu áp dụng cho Chủ tịch UBND.",
    ),
]


def seed(apps, schema_editor):
    RequiredFrequency = apps.get_model("reception", "RequiredFrequency")
    for level, sessions, period, basis in DEFAULTS:
        RequiredFrequency.objects.get_or_create(
            level=level, defaults={"sessions": sessions, "period": period, "basis": basis}
        )


def unseed(apps, schema_editor):
    RequiredFrequency = apps.get_model("reception", "RequiredFrequency")
    RequiredFrequency.objects.filter(level__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("reception", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
