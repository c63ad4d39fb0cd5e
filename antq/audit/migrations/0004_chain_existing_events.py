"""Chain the events written before the hash chain existed, in id order from the genesis value.

Streamed in batches of ids (keyset, no OFFSET): a bench database of 1.5 million events is read and
written back in a bounded memory; each batch is one UPDATE on PostgreSQL (arrays joined to the
table) and one executemany elsewhere.
"""

from django.db import migrations

from antq.audit import chain

BATCH = 10_000


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    connection = schema_editor.connection
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    head, last_id = chain.GENESIS, 0
    while True:
        rows = list(
            AuditEvent.objects.using(connection.alias)
            .filter(id__gt=last_id)
            .order_by("id")
            .values_list("id", *chain.FIELDS)[:BATCH]
        )
        if not rows:
            return
        ids, prevs, hashes = [], [], []
        for row in rows:
            values = dict(zip(chain.FIELDS, row[1:], strict=True))
            ids.append(row[0])
            prevs.append(head)
            head = chain.digest(head, values)
            hashes.append(head)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS a SET prev_hash = v.prev_hash, hash = v.hash "  # noqa: S608  # nosec B608
                    "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, prev_hash, hash) "
                    "WHERE a.id = v.id",
                    [ids, prevs, hashes],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608  # nosec B608
                    list(zip(prevs, hashes, ids, strict=True)),
                )
        last_id = ids[-1]


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_hash_chain")]

    operations = [migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=False)]
