"""A trigram index on the folded search key, on PostgreSQL only.

It serves the unit list's accent-insensitive search (`OrgNodeQuerySet.search`:
`search_text LIKE '%token%'` for each token): without it a search for a rare name reads every unit
of the country. SQLite has no such index and needs none at a province's size.

`pg_trgm` is a trusted extension (PostgreSQL 13+): the database's owner may create it. Where it
cannot be created the search still works, by a scan; the migration says so rather than failing a
deployment over a speed-up.
"""

from django.db import migrations

INDEX = "org_node_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                cursor.execute("SAVEPOINT antq_trgm")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute("RELEASE SAVEPOINT antq_trgm")
            except Exception as error:  # noqa: BLE001 - any refusal: keep migrating without the index
                cursor.execute("ROLLBACK TO SAVEPOINT antq_trgm")
                print(f"\n  pg_trgm không tạo được ({error}); tìm kiếm đơn vị sẽ chạy không có chỉ mục.")
                return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON org_orgnode USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
