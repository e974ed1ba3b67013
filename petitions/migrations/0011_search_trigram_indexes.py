"""GIN trigram indexes for the caseload search (LIKE '%…%' on the normalized columns), PostgreSQL only.

Search compares text without diacritics in lower case (petitions.services.normalize_for_search fills
Petition.search_text and Petitioner.name_search), so "dat dai" finds "đất đai" with a plain
`LIKE '%dat dai%'`; pg_trgm answers it from the index instead of reading every row (docs/performance.md
has the plans). Other databases keep the plain scan: the migration does nothing there.
"""

from django.db import migrations

INDEXES = [
    ("petition_search_trgm", "petitions_petition", "search_text"),
    ("petitioner_name_trgm", "petitions_petitioner", "name_search"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0010_merge_audit_chain")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
