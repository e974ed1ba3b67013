"""The legal basis of the seeded rules in Vietnamese, the portal's primary language.

0002 seeded it in English ("Law on Complaints Art. 27"), which the calculator showed as is. Only a
value still equal to the English seed is replaced: a basis an administrator edited is left alone.
"""

from django.db import migrations

BASIS_VI = {
    "Circular 05/2021/TT-TTCP": "Thông tư 05/2021/TT-TTCP",
    "Regulation 11-QĐi/TW": "Quy định 11-QĐi/TW",
    "Law on Complaints Art. 27": "Điều 27 Luật Khiếu nại",
    "Law on Complaints Art. 28": "Điều 28 Luật Khiếu nại",
    "Law on Complaints Art. 37": "Điều 37 Luật Khiếu nại",
    "Law on Complaints Art. 9": "Điều 9 Luật Khiếu nại",
    "Law on Complaints Art. 33": "Điều 33 Luật Khiếu nại",
    "Law on Denunciations Art. 24": "Điều 24 Luật Tố cáo",
    "Law on Denunciations Art. 29": "Điều 29 Luật Tố cáo",
    "Law on Denunciations Art. 30": "Điều 30 Luật Tố cáo",
    "Unit policy": "Quy định của đơn vị",
    "Regulation 11-QĐi/TW; Hanoi Plan 229-KH/TU": "Quy định 11-QĐi/TW; Kế hoạch 229-KH/TU của Thành ủy Hà Nội",
}


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    for english, vietnamese in BASIS_VI.items():
        DeadlineRule.objects.filter(basis=english).update(basis=vietnamese)


def to_english(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    for english, vietnamese in BASIS_VI.items():
        DeadlineRule.objects.filter(basis=vietnamese).update(basis=english)


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0007_sweep_run"), ("oversight", "0002_finding_remedy_rule")]

    operations = [migrations.RunPython(seed, to_english)]
