"""Keep petitions_petition.deadline_level (the worst level of a petition's open deadlines) right.

A statement-level trigger with transition tables: one set-based UPDATE per statement that touches
deadlines (the sweep raises a chunk of thousands in one UPDATE; closing, pausing, extending and
recomputing clocks are single-row statements), whatever code path issues it. Only the petitions
whose worst level actually changed are written. PostgreSQL only: on SQLite (development) the
filters fall back to a correlated subquery and this column is not read.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION petition_deadline_level_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE petitions_petition AS p
       SET deadline_level = w.worst
      FROM (
            SELECT ids.petition_id,
                   COALESCE((SELECT max(d.level) FROM deadlines_deadline AS d
                              WHERE d.petition_id = ids.petition_id AND d.closed_at IS NULL), 0) AS worst
              FROM (SELECT DISTINCT petition_id FROM changed_deadlines WHERE petition_id IS NOT NULL) AS ids
           ) AS w
     WHERE p.id = w.petition_id AND p.deadline_level <> w.worst;
    RETURN NULL;
END
$$;
"""

TRIGGERS = [
    ("petition_deadline_level_ins", "INSERT", "NEW"),
    # NEW rows only: no code moves a deadline to another petition (petition_id is set at creation).
    ("petition_deadline_level_upd", "UPDATE", "NEW"),
    ("petition_deadline_level_del", "DELETE", "OLD"),
]

BACKFILL = """
UPDATE petitions_petition AS p SET deadline_level = w.worst
  FROM (SELECT petition_id, max(level) AS worst FROM deadlines_deadline
         WHERE closed_at IS NULL AND petition_id IS NOT NULL AND level > 0 GROUP BY petition_id) AS w
 WHERE p.id = w.petition_id AND p.deadline_level <> w.worst;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, event, side in TRIGGERS:
        schema_editor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON deadlines_deadline "
            f"REFERENCING {side} TABLE AS changed_deadlines "
            f"FOR EACH STATEMENT EXECUTE FUNCTION petition_deadline_level_refresh()"
        )
    schema_editor.execute(BACKFILL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _event, _side in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON deadlines_deadline")
    schema_editor.execute("DROP FUNCTION IF EXISTS petition_deadline_level_refresh()")


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0008_rule_basis_in_vietnamese"),
        ("petitions", "0013_petition_deadline_level"),
    ]

    operations = [migrations.RunPython(create, drop)]
