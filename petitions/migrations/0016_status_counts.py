"""Per-unit counts of petitions by state (StatusCount), kept by statement-level triggers on petitions.

Each INSERT, UPDATE or DELETE statement on petitions_petition adds its net change per (unit, state):
+1 for every new row version, -1 for every old one, grouped, zeros dropped, so an update that changes
no state or unit writes nothing. Upserted in (unit, state) order, so concurrent statements lock the
counters in one order. PostgreSQL only (transition tables); elsewhere the overview counts petitions.
"""

import django.db.models.deletion
from django.db import migrations, models


FUNCTIONS = {
    "INSERT": ("petition_status_count_ins", "NEW TABLE AS new_rows", "SELECT unit_id, status, 1 FROM new_rows"),
    "UPDATE": (
        "petition_status_count_upd",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "SELECT unit_id, status, 1 FROM new_rows UNION ALL SELECT unit_id, status, -1 FROM old_rows",
    ),
    "DELETE": ("petition_status_count_del", "OLD TABLE AS old_rows", "SELECT unit_id, status, -1 FROM old_rows"),
}

FUNCTION = """
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO petitions_statuscount (unit_id, status, n)
    SELECT unit_id, status, sum(d) FROM ({changes}) AS x(unit_id, status, d)
     GROUP BY unit_id, status HAVING sum(d) <> 0 ORDER BY unit_id, status
    ON CONFLICT (unit_id, status) DO UPDATE SET n = petitions_statuscount.n + EXCLUDED.n;
    RETURN NULL;
END
$$;
CREATE TRIGGER {name} AFTER {event} ON petitions_petition REFERENCING {tables}
FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""

BACKFILL = """
DELETE FROM petitions_statuscount;
INSERT INTO petitions_statuscount (unit_id, status, n)
SELECT unit_id, status, count(*) FROM petitions_petition GROUP BY unit_id, status;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for event, (name, tables, changes) in FUNCTIONS.items():
        schema_editor.execute(FUNCTION.format(name=name, event=event, tables=tables, changes=changes))
    schema_editor.execute(BACKFILL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _tables, _changes in FUNCTIONS.values():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON petitions_petition")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_notification_email_until"),
        ("petitions", "0015_petition_alert"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("received", "Received"),
                            ("accepted", "Accepted"),
                            ("in_progress", "In progress"),
                            ("suspended", "Suspended"),
                            ("resolved", "Resolved"),
                            ("forwarded", "Forwarded"),
                            ("guided", "Guided"),
                            ("rejected", "Rejected"),
                            ("filed", "Filed"),
                            ("withdrawn", "Withdrawn"),
                            ("closed", "Closed"),
                        ],
                        max_length=20,
                    ),
                ),
                ("n", models.BigIntegerField(default=0)),
                (
                    "unit",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.unit",
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("unit", "status"), name="one_count_per_unit_status")],
            },
        ),
        migrations.RunPython(create, drop),
    ]
