"""Which tables a backup holds, their columns, and how each value is written in the archive.

The archive is vendor-neutral: every row of a table is one JSON array (columns in the order of the
manifest) on one line, and each value has one spelling whatever the database it came from:

| kind       | spelling in the archive                              |
| ---------- | ---------------------------------------------------- |
| `int`      | JSON integer                                         |
| `bool`     | `true` / `false`                                     |
| `float`    | JSON number                                          |
| `text`     | JSON string                                          |
| `uuid`     | string `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`        |
| `decimal`  | string, exact (`"12.50"`)                            |
| `date`     | string `YYYY-MM-DD`                                  |
| `datetime` | ISO 8601 string in UTC (`2026-11-26T06:48:19.5+00:00`) |
| `time`     | string `HH:MM:SS[.ffffff]`                           |
| `json`     | the JSON document as a string                        |

NULL is `null` for every kind. A column of any other kind stops the backup with a clear message
rather than writing something the restore could not read back.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

# Sessions are not backed up, and are cleared on restore: a session names a user by id, and after a
# restore that id may belong to someone else. Everyone signs in again.
SKIPPED_TABLES = frozenset({"django_session"})
# Filled by `migrate` itself (post_migrate signals, data migrations): a freshly migrated database
# holds rows there and still counts as empty for `antq restore` (tests/backup proves the list is
# complete). The restore replaces their rows with the archive's, ids included.
MIGRATION_SEEDED_TABLES = frozenset(
    {"django_content_type", "auth_permission", "initiatives_initiativetype", "reports_reportdefinition"}
)

_KINDS: dict[str, str] = {
    "AutoField": "int",
    "BigAutoField": "int",
    "SmallAutoField": "int",
    "IntegerField": "int",
    "BigIntegerField": "int",
    "SmallIntegerField": "int",
    "PositiveIntegerField": "int",
    "PositiveBigIntegerField": "int",
    "PositiveSmallIntegerField": "int",
    "BooleanField": "bool",
    "FloatField": "float",
    "CharField": "text",
    "TextField": "text",
    "SlugField": "text",
    "EmailField": "text",
    "URLField": "text",
    "FileField": "text",
    "ImageField": "text",
    "FilePathField": "text",
    "GenericIPAddressField": "text",
    "UUIDField": "uuid",
    "DecimalField": "decimal",
    "DateField": "date",
    "DateTimeField": "datetime",
    "TimeField": "time",
    "JSONField": "json",
}


class UnsupportedColumn(Exception):
    """A column whose kind the archive format does not define."""


@dataclass(frozen=True)
class Column:
    """One column of a table as the archive describes it."""

    name: str
    kind: str
    decimal_places: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "kind": self.kind}
        if self.decimal_places is not None:
            data["decimal_places"] = self.decimal_places
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Column:
        return cls(name=data["name"], kind=data["kind"], decimal_places=data.get("decimal_places"))


@dataclass(frozen=True)
class TableSpec:
    """A table of an installed model: name, columns in archive order, primary key, serial column."""

    name: str
    model: str
    columns: tuple[Column, ...]
    pk: tuple[str, ...]
    # The auto-increment column (its sequence is saved and restored), if the primary key is one.
    serial: str | None


def _field_kind(field: models.Field[Any, Any]) -> tuple[str, int | None]:
    target: models.Field[Any, Any] = field
    while target.is_relation:
        target = target.target_field  # type: ignore[attr-defined]
    internal = target.get_internal_type()
    kind = _KINDS.get(internal)
    if kind is None:
        raise UnsupportedColumn(f"{field.model._meta.db_table}.{field.column}: {internal}")
    places = target.decimal_places if kind == "decimal" else None  # type: ignore[attr-defined]
    return kind, places


def table_specs(existing: Iterable[str]) -> list[TableSpec]:
    """Every table of every installed, managed, concrete model (many-to-many tables included) that
    exists in the database, sorted by name; `SKIPPED_TABLES` left out."""
    present = set(existing)
    specs: dict[str, TableSpec] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in SKIPPED_TABLES or meta.db_table not in present:
            continue
        if meta.db_table in specs:
            continue
        columns = []
        for field in meta.concrete_fields:
            kind, places = _field_kind(field)
            columns.append(Column(name=field.column, kind=kind, decimal_places=places))
        pk_field = meta.pk
        assert pk_field is not None  # noqa: S101 - every concrete model has a primary key
        serial = pk_field.column if isinstance(pk_field, models.AutoField) else None
        specs[meta.db_table] = TableSpec(
            name=meta.db_table,
            model=meta.label,
            columns=tuple(columns),
            pk=(pk_field.column,),
            serial=serial,
        )
    return [specs[name] for name in sorted(specs)]


# --- SQLite values → archive values ------------------------------------------------------------

_FLOAT_CONTEXT = decimal.Context(prec=15)


def _sqlite_decimal(places: int | None) -> Callable[[Any], Any]:
    quantum = decimal.Decimal(1).scaleb(-(places or 0))

    def encode(value: Any) -> Any:
        if value is None:
            return None
        # The same conversion as Django's SQLite backend: the column has numeric affinity, so the
        # value comes back as an int or a float rounded to 15 significant digits.
        if isinstance(value, float):
            number = _FLOAT_CONTEXT.create_decimal_from_float(value)
        else:
            number = decimal.Decimal(value)
        return str(number.quantize(quantum) if places is not None else number)

    return encode


# Django's SQLite connection already turns date, time, datetime and bool columns into Python values
# (sqlite3 converters on the declared type); a text value is read the same way.


def _sqlite_datetime(value: Any) -> Any:
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat()


def _sqlite_date_or_time(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.time) else value


def _sqlite_bool(value: Any) -> Any:
    return None if value is None else bool(value)


def _sqlite_uuid(value: Any) -> Any:
    return None if value is None else str(uuid.UUID(value))


def _identity(value: Any) -> Any:
    return value


def sqlite_encoders(columns: Iterable[Column]) -> list[Callable[[Any], Any]]:
    """One function per column turning a raw SQLite value into its archive spelling."""
    encoders: list[Callable[[Any], Any]] = []
    for column in columns:
        if column.kind == "bool":
            encoders.append(_sqlite_bool)
        elif column.kind == "decimal":
            encoders.append(_sqlite_decimal(column.decimal_places))
        elif column.kind == "datetime":
            encoders.append(_sqlite_datetime)
        elif column.kind == "uuid":
            encoders.append(_sqlite_uuid)
        elif column.kind in {"date", "time"}:
            encoders.append(_sqlite_date_or_time)
        else:
            encoders.append(_identity)
    return encoders


# --- archive values → SQLite values ------------------------------------------------------------


def _to_sqlite_bool(value: Any) -> Any:
    return None if value is None else int(value)


def _to_sqlite_datetime(value: Any) -> Any:
    if value is None:
        return None
    # What Django writes: naive UTC, a space between date and time, microseconds only when set.
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _to_sqlite_time(value: Any) -> Any:
    return None if value is None else dt.time.fromisoformat(value).isoformat()


def _to_sqlite_uuid(value: Any) -> Any:
    return None if value is None else uuid.UUID(value).hex


def sqlite_decoders(columns: Iterable[Column]) -> list[Callable[[Any], Any]]:
    """One function per column turning an archive value into what Django stores in SQLite."""
    decoders: list[Callable[[Any], Any]] = []
    for column in columns:
        if column.kind == "bool":
            decoders.append(_to_sqlite_bool)
        elif column.kind == "datetime":
            decoders.append(_to_sqlite_datetime)
        elif column.kind == "time":
            decoders.append(_to_sqlite_time)
        elif column.kind == "uuid":
            decoders.append(_to_sqlite_uuid)
        else:
            # Decimals stay strings: Django hands SQLite a string too (numeric affinity converts it).
            decoders.append(_identity)
    return decoders


# --- PostgreSQL ---------------------------------------------------------------------------------


def pg_select_expression(column: Column, quoted: str) -> str:
    """The expression whose `json_build_array` spelling is the archive spelling of the column.

    `to_json` already writes integers, booleans, floats, text, uuids, dates, times and timestamps
    (in the session time zone, set to UTC) as the table above says; decimals and JSON documents are
    cast to text so that they stay exact strings."""
    if column.kind in {"decimal", "json"}:
        return f"{quoted}::text"
    return quoted
