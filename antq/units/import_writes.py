"""Set-based writes for the unit import: many rows per statement, a fixed number of statements.

On PostgreSQL, rows go in with COPY (no SQL text built per row, no parameter per value), and
changed rows are copied into a temporary table and applied by one UPDATE … FROM. Elsewhere
(SQLite: the test suite, a laptop), Django's `bulk_create` / `bulk_update` in batches. Either way
the rows written are the ones Django would write: same columns, same values (`auto_now` stamps
set by the fields' own `pre_save`, JSON encoded by the field's encoder), and no signals, as with
`bulk_create`.

Everything here runs inside the caller's transaction: the import stays all or nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connection, models, transaction

from antq.audit.models import AuditEvent
from antq.audit.services import chained_rows

M = TypeVar("M", bound=models.Model)

# Rows per INSERT/UPDATE statement off PostgreSQL (the backend caps it further: SQLite's parameters).
BATCH = 2000

# Column types whose Python value psycopg writes as-is in COPY's text format; any other type goes
# through the field's own `get_db_prep_save`, which is always right, only slower.
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "EmailField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)


def _use_copy() -> bool:
    return connection.vendor == "postgresql"


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def dump(value: Any) -> Any:
            return None if value is None else json.dumps(value, cls=encoder)

        return dump
    if field.get_internal_type() in _PLAIN_TYPES:
        return _same
    return lambda value: field.get_db_prep_save(value, connection)


def _same(value: Any) -> Any:
    return value


def _stamped(field: models.Field[Any, Any]) -> bool:
    """`auto_now` / `auto_now_add` fields: their value comes from `pre_save`, as in `bulk_create`."""
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _copy(
    model: type[models.Model] | str,
    fields: Sequence[models.Field[Any, Any]],
    rows: Iterable[Sequence[Any]],
) -> None:
    """COPY `rows` into the table of `model` (or the table named so), columns `fields`."""
    quote = connection.ops.quote_name
    table = model if isinstance(model, str) else quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    started = time.monotonic()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no COPY
        with raw.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    if connection.queries_logged:
        # Logged like any statement, so query counts (debug toolbar, tests) see the COPY too.
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def _rows(
    objs: Iterable[models.Model], fields: Sequence[models.Field[Any, Any]], *, stamp: bool = True
) -> Iterator[list[Any]]:
    """Each object's values of `fields`, ready for COPY; `stamp`: fill `auto_now` fields (inserts)."""
    stamped = [f for f in fields if stamp and _stamped(f)]
    converted = [(i, conv) for i, f in enumerate(fields) if (conv := _converter(f)) is not _same]
    values = attrgetter(*(f.attname for f in fields))  # one C call per object, not one per column
    for obj in objs:
        for field in stamped:
            field.pre_save(obj, True)  # sets the attribute, as `bulk_create` does
        row = list(values(obj))
        for i, convert in converted:
            row[i] = convert(row[i])
        yield row


def _pk(model: type[models.Model]) -> models.Field[Any, Any]:
    pk = model._meta.pk
    if pk is None:  # only abstract models have none
        raise TypeError(f"{model.__name__} has no primary key")
    return pk


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys from the table's own sequence, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), _pk(model).column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


_IMMUTABLE = (str, int, float, bool, type(None))


def instances(model: type[M], values: Iterable[dict[str, Any]]) -> Iterator[M]:
    """New unsaved instances of `model`, one per {attname: value}, the other fields at their default.

    Built with positional values, the way Django builds the rows it reads (`Model.from_db`):
    keyword construction looks up a default per absent field and instance, which for 100,000
    units of 30 columns is most of the cost of building them. A default that is not a plain
    immutable value is still computed per instance (never shared between them).
    """
    fields = model._meta.concrete_fields
    index = {f.attname: i for i, f in enumerate(fields)}
    template = [f.get_default() for f in fields]
    fresh = [(i, f) for i, f in enumerate(fields) if not isinstance(template[i], _IMMUTABLE)]
    for given in values:
        row = template.copy()
        for i, field in fresh:
            row[i] = field.get_default()
        for name, value in given.items():
            row[index[name]] = value
        yield model(*row)


def insert(model: type[M], objs: Iterable[M], *, count: int) -> list[M]:
    """INSERT `count` new objects; each gets its primary key, as with `bulk_create`. Returns them.

    On PostgreSQL the keys are taken from the sequence first, then the rows are streamed by COPY
    while `objs` is consumed: building the next objects (a generator) overlaps with the server
    storing and indexing the previous ones.
    """
    if not _use_copy():
        written = list(objs)
        model._default_manager.bulk_create(written, batch_size=BATCH)
        return written
    if not count:
        return []
    keys = iter(_reserve_ids(model, count))
    written = []

    def numbered() -> Iterator[M]:
        for obj in objs:
            obj.pk = next(keys)
            obj._state.adding = False
            obj._state.db = connection.alias
            written.append(obj)
            yield obj

    fields = list(model._meta.concrete_fields)
    _copy(model, fields, _rows(numbered(), fields))
    if len(written) != count:
        raise ValueError(f"{len(written)} objects given for {count} reserved keys")
    return written


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """INSERT rows given as values in the order of the fields `names` (primary key left to the database).

    For rows that need no model instance (audit events): on PostgreSQL they go to COPY as they are,
    with only the columns that need it converted (JSON); elsewhere they become instances for
    `bulk_create`, which also stamps `auto_now` fields.

    Audit events are chained on the way (`audit.services.chained_rows`: the chain's lock, then
    `prev_hash` and `hash` per row, in the order they are inserted).
    """
    if model is AuditEvent:
        with transaction.atomic():
            names, rows = chained_rows(names, rows)
            _insert_rows(model, names, rows)
        return
    _insert_rows(model, names, rows)


def _insert_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    if not _use_copy():
        model._default_manager.bulk_create(
            (model(**dict(zip(names, row, strict=True))) for row in rows), batch_size=BATCH
        )
        return
    fields = [_concrete(model, name) for name in names]
    converted = [(i, conv) for i, f in enumerate(fields) if (conv := _converter(f)) is not _same]

    def prepared() -> Iterator[Sequence[Any]]:
        for row in rows:
            if converted:
                row = list(row)
                for i, convert in converted:
                    row[i] = convert(row[i])
            yield row

    _copy(model, fields, prepared())


def update(model: type[models.Model], objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """UPDATE the columns `names` of saved `objs` to their values on the objects (like `bulk_update`).

    On PostgreSQL: COPY the new values into a temporary table, then one UPDATE … FROM it, instead
    of a CASE per column and row.
    """
    if not objs:
        return
    if not _use_copy():
        model._default_manager.bulk_update(objs, list(names), batch_size=BATCH)
        return
    pk = _pk(model)
    fields = [pk, *(_concrete(model, name) for name in names)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    temp = quote(f"import_{model._meta.db_table}")
    columns = ", ".join(quote(f.column) for f in fields)
    assignments = ", ".join(f"{quote(f.column)} = t.{quote(f.column)}" for f in fields[1:])
    key = quote(pk.column)
    # Identifiers only (the model's own table and columns, quoted); the values travel by COPY.
    select = f"SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608  # nosec B608
    create = f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS {select}"
    apply = f"UPDATE {table} AS o SET {assignments} FROM {temp} AS t WHERE o.{key} = t.{key}"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        # Same column types as the table, no constraints; dropped once applied (and at the latest
        # with the transaction).
        cursor.execute(create)
        _copy(temp, fields, _rows(objs, fields, stamp=False))
        cursor.execute(apply)
        cursor.execute(f"DROP TABLE {temp}")


def _concrete(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field
