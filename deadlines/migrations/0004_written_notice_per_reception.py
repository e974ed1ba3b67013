"""reg11.written_notice belongs to the head's reception itself (Reg. 11): it is opened when the head
records a conclusion on a visit, whatever the outcome, not when a petition is registered."""

from django.db import migrations


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    DeadlineRule.objects.filter(code="reg11.written_notice").update(start_event="subject", met_when="outcome")


def unseed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    DeadlineRule.objects.filter(code="reg11.written_notice").update(
        start_event="head_reception", met_when="leaves_received"
    )


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0003_generic_subjects")]

    operations = [migrations.RunPython(seed, unseed)]
