from django.db import migrations
from django.db.models import Q


def protect(apps, schema_editor):
    """Visits already logged or registered as denunciations keep their protection from now on (Art. 47)."""
    Visit = apps.get_model("reception", "Visit")
    Visit.objects.filter(Q(petition_kind="denunciation") | Q(petition__kind="denunciation")).update(
        identity_protected=True
    )


class Migration(migrations.Migration):
    dependencies = [("reception", "0003_visit_identity_protection_and_written_answers")]

    operations = [migrations.RunPython(protect, migrations.RunPython.noop)]
