from django.db import migrations, transaction


def enable_trigram(apps, schema_editor):
    """Trigram similarity for hotspot suggestions, where PostgreSQL allows it; the code falls back otherwise."""
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - no privilege to create extensions: the plain fallback is used
        pass


def seed(apps, schema_editor):
    HotspotThresholds = apps.get_model("dialogues", "HotspotThresholds")
    if not HotspotThresholds.objects.exists():
        HotspotThresholds.objects.create(
            period_days=30,
            similar_min_petitions=5,
            similarity=0.45,
            group_min_people=5,
            repeat_min_petitions=3,
            repeat_period_days=180,
        )


class Migration(migrations.Migration):
    dependencies = [("dialogues", "0001_dialogues_minutes_actions_hotspots")]

    operations = [
        migrations.RunPython(enable_trigram, migrations.RunPython.noop),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
