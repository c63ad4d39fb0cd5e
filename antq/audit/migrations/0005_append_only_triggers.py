"""On PostgreSQL, refuse UPDATE and DELETE of audit events in the database itself.

The model and its queryset already refuse them; the triggers also stop raw SQL and any other
client. TRUNCATE is left possible on purpose (the test database is flushed with it, and the backup
restore empties tables with it): in production the application's role should not own the table,
so that it can neither TRUNCATE it nor drop or disable these triggers (see docs/security.md).
SQLite has no such guard (tests and laptops only).
"""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- No format string: a percent sign would need escaping in the migration's SQL.
    RAISE EXCEPTION USING
        MESSAGE = 'audit_auditevent is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_existing_events")]

    operations = [migrations.RunPython(install, remove)]
