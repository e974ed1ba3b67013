"""Petitions' deadline levels move to a narrow table of their own (PetitionAlert), kept by the trigger.

The statement-level trigger on deadlines_deadline (deadlines migration 0009) now writes
petitions_petitionalert instead of a petition column: a petition at level 0 has no row. The old
column forced a rewrite of the wide petition row and its 19 index entries for every level change
(the first sweep over a million petitions: 29.8 s instead of ~11). A row trigger on petitions
follows unit and receipt date into the copy, should either ever change. PostgreSQL only.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD = importlib.import_module("deadlines.migrations.0009_petition_deadline_level_trigger")

FUNCTION = """
CREATE OR REPLACE FUNCTION petition_deadline_level_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cleared bigint[];
BEGIN
    -- Each touched petition's worst open level: rows at levels 1-3 are upserted, the petitions back
    -- at 0 are collected and their rows deleted by primary key. (A DELETE … USING joined to the
    -- levels was planned as a nested loop over the whole alert table whenever its statistics said
    -- "empty", as they do before a first sweep: quadratic, 3 minutes at a million.)
    WITH worst AS (
        SELECT ids.petition_id,
               COALESCE((SELECT max(d.level) FROM deadlines_deadline AS d
                          WHERE d.petition_id = ids.petition_id AND d.closed_at IS NULL), 0) AS level
          FROM (SELECT DISTINCT petition_id FROM changed_deadlines WHERE petition_id IS NOT NULL) AS ids
    ), upserted AS (
        INSERT INTO petitions_petitionalert (petition_id, unit_id, received_at, level)
        SELECT p.id, p.unit_id, p.received_at, w.level
          FROM worst AS w JOIN petitions_petition AS p ON p.id = w.petition_id
         WHERE w.level > 0
        ON CONFLICT (petition_id) DO UPDATE SET level = EXCLUDED.level
         WHERE petitions_petitionalert.level <> EXCLUDED.level
    )
    SELECT array_agg(petition_id) FILTER (WHERE level = 0) INTO cleared FROM worst;
    IF cleared IS NOT NULL THEN
        DELETE FROM petitions_petitionalert WHERE petition_id = ANY(cleared);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION petition_alert_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE petitions_petitionalert SET unit_id = NEW.unit_id, received_at = NEW.received_at
     WHERE petition_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER petition_alert_follow AFTER UPDATE OF unit_id, received_at ON petitions_petition
FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.received_at IS DISTINCT FROM NEW.received_at)
EXECUTE FUNCTION petition_alert_follow();
"""

BACKFILL = """
INSERT INTO petitions_petitionalert (petition_id, unit_id, received_at, level)
SELECT p.id, p.unit_id, p.received_at, w.level
  FROM (SELECT petition_id, max(level) AS level FROM deadlines_deadline
         WHERE closed_at IS NULL AND petition_id IS NOT NULL AND level > 0 GROUP BY petition_id) AS w
  JOIN petitions_petition AS p ON p.id = w.petition_id;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(BACKFILL)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS petition_alert_follow ON petitions_petition")
        schema_editor.execute("DROP FUNCTION IF EXISTS petition_alert_follow()")
        schema_editor.execute(OLD.FUNCTION)


def backfill_column(apps, schema_editor):
    """Backwards, last: the column is back; give it its values again."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD.BACKFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_notification_email_until"),
        ("petitions", "0014_petition_level_unit_index"),
        ("deadlines", "0010_deadline_running_due_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, backfill_column),
        migrations.CreateModel(
            name="PetitionAlert",
            fields=[
                (
                    "petition",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="alert",
                        serialize=False,
                        to="petitions.petition",
                    ),
                ),
                ("received_at", models.DateTimeField()),
                ("level", models.PositiveSmallIntegerField()),
            ],
            options={
                "verbose_name": "deadline alert",
            },
        ),
        migrations.RemoveIndex(
            model_name="petition",
            name="petition_level_1",
        ),
        migrations.RemoveIndex(
            model_name="petition",
            name="petition_level_2",
        ),
        migrations.RemoveIndex(
            model_name="petition",
            name="petition_level_3",
        ),
        migrations.RemoveIndex(
            model_name="petition",
            name="petition_level_unit",
        ),
        migrations.RemoveField(
            model_name="petition",
            name="deadline_level",
        ),
        migrations.AlterField(
            model_name="petition",
            name="handler",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="handled_petitions",
                to=settings.AUTH_USER_MODEL,
                verbose_name="handler",
            ),
        ),
        migrations.AlterField(
            model_name="petition",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="petitions",
                to="core.unit",
                verbose_name="receiving unit",
            ),
        ),
        migrations.AddField(
            model_name="petitionalert",
            name="unit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="core.unit",
            ),
        ),
        migrations.AddIndex(
            model_name="petitionalert",
            index=models.Index(
                fields=["-received_at", "-petition"], include=("level", "unit"), name="alert_caseload_order"
            ),
        ),
        migrations.AddIndex(
            model_name="petitionalert",
            index=models.Index(fields=["unit", "level"], name="alert_unit_level"),
        ),
        migrations.RunPython(create, restore),
    ]
