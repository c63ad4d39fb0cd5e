"""`backup_create`: the whole database and the evidence files in one archive (`antq.backup.restore`
reads it back).

Consistency: every table, the migration state, the sequences and the list of evidence files are
read in one transaction snapshot (PostgreSQL: REPEATABLE READ READ ONLY; SQLite: one deferred read
transaction, which WAL keeps from blocking writers). The files named by that snapshot are copied
afterwards: evidence files are never changed once written (a withdrawal is a flag), so the copy is
what the snapshot referenced; a file written later is not referenced and not copied, a referenced
file that is gone is reported.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from antq.backup import archive as arc
from antq.backup.tables import (
    SKIPPED_TABLES,
    TableSpec,
    UnsupportedColumn,
    pg_select_expression,
    sqlite_encoders,
    table_specs,
)
from antq.evidence.storage import evidence_storage

Say = Callable[[str], None]
BATCH_ROWS = 5000
# Tables that exist in every database and are no application data.
_INTERNAL_TABLES = frozenset({"django_migrations", "sqlite_sequence"})


def quiet(_message: str) -> None:
    return None


def thousands(number: float) -> str:
    """1.234.567 — the Vietnamese thousands separator."""
    return f"{number:,.0f}".replace(",", ".")


@dataclass
class BackupReport:
    """What `backup_create` wrote."""

    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    missing_files: list[str] = field(default_factory=list)
    mismatched_files: list[str] = field(default_factory=list)
    unknown_tables: list[str] = field(default_factory=list)
    seconds: float = 0.0
    size: int = 0


# --- what is in the database ---------------------------------------------------------------------


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def current_specs() -> list[TableSpec]:
    """The tables of the installed models that exist in the connected database."""
    try:
        return table_specs(connection.introspection.table_names())
    except UnsupportedColumn as exc:
        raise arc.BackupError(f"Cột có kiểu dữ liệu chưa được hỗ trợ sao lưu: {exc}.") from exc


def _unknown_tables(specs: list[TableSpec]) -> list[str]:
    known = {spec.name for spec in specs} | SKIPPED_TABLES | _INTERNAL_TABLES
    return sorted(name for name in connection.introspection.table_names() if name not in known)


def migration_state() -> dict[str, list[str]]:
    """Applied migrations per app, as `django_migrations` records them."""
    state: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            state.setdefault(app, []).append(name)
    return state


def _evidence_file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every file field stored in the evidence storage (today: `EvidenceDocument.file`)."""
    found = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField) and model_field.storage is evidence_storage:
                found.append((model, model_field))
    return found


def _referenced_files() -> dict[str, tuple[str | None, int | None]]:
    """Name → (recorded sha256, recorded size) of every evidence file the database references."""
    files: dict[str, tuple[str | None, int | None]] = {}
    for model, file_field in _evidence_file_fields():
        field_names = {f.name for f in model._meta.concrete_fields}
        extra = [name for name in ("sha256", "size") if name in field_names]
        rows = (
            model._base_manager.exclude(**{file_field.name: ""})
            .exclude(**{f"{file_field.name}__isnull": True})
            .order_by("pk")
            .values_list(file_field.name, *extra)
        )
        for row in rows:
            recorded = dict(zip(extra, row[1:], strict=True))
            files[row[0]] = (recorded.get("sha256"), recorded.get("size"))
    return files


def _sequences(specs: list[TableSpec]) -> dict[str, int]:
    """Table → the highest id its counter has handed out (ids of deleted rows are never reused)."""
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for spec in specs:
                if spec.serial is None:
                    continue
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quoted(spec.name), spec.serial])
                sequence = cursor.fetchone()[0]
                if sequence:
                    # Sequence names come from the catalogue and are already quoted as needed.
                    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
                    last_value, is_called = cursor.fetchone()
                    found[spec.name] = last_value if is_called else last_value - 1
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
            if cursor.fetchone():
                cursor.execute("SELECT name, seq FROM sqlite_sequence")
                names = {spec.name for spec in specs}
                found = {name: seq for name, seq in cursor.fetchall() if name in names}
    return found


@contextlib.contextmanager
def _read_snapshot() -> Iterator[None]:
    """One consistent view of the database for the whole dump.

    Inside a caller's transaction (the tests') the reads simply join it."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SET LOCAL TIME ZONE 'UTC'")
            yield
        return
    if connection.vendor == "sqlite":
        # Not transaction.atomic(): it would BEGIN IMMEDIATE and hold the write lock for the whole
        # dump. A deferred transaction takes its snapshot at the first read and blocks nobody.
        connection.ensure_connection()
        raw = connection.connection
        raw.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            raw.execute("COMMIT")
        return
    raise arc.BackupError(f"Chưa hỗ trợ sao lưu CSDL {connection.vendor}.")


# --- dumping a table -----------------------------------------------------------------------------


class _TableWriter:
    """Streams lines into one archive member, hashing and counting them, in blocks of about 1 MiB."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.rows = 0
        self.pending: list[bytes] = []
        self.pending_size = 0

    def add_block(self, block: bytes) -> None:
        """A block of whole lines, each ending with a newline."""
        self.rows += block.count(b"\n")
        self.digest.update(block)
        self.pending.append(block)
        self.pending_size += len(block)
        if self.pending_size >= arc.CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.stream.write(b"".join(self.pending))
            self.pending = []
            self.pending_size = 0


def _dump_postgresql(spec: TableSpec, writer: _TableWriter) -> None:
    if len(spec.columns) > 100:  # json_build_array takes at most 100 arguments
        raise arc.BackupError(f"Bảng {spec.name} có hơn 100 cột, chưa hỗ trợ sao lưu.")
    expressions = ", ".join(pg_select_expression(column, quoted(column.name)) for column in spec.columns)
    order = ", ".join(quoted(name) for name in spec.pk)
    # Identifiers come from model metadata and are quoted; no value is interpolated.
    sql = f"COPY (SELECT json_build_array({expressions}) FROM {quoted(spec.name)} ORDER BY {order}) TO STDOUT"  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
    carry = b""
    with connection.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[attr-defined]
        for data in copy:
            chunk = carry + bytes(data)
            end = chunk.rfind(b"\n") + 1
            carry = chunk[end:]
            if end:
                # COPY's text format doubles every backslash; JSON never holds a raw control
                # character, so undoing that is the whole unescaping.
                writer.add_block(chunk[:end].replace(b"\\\\", b"\\"))
    if carry:
        raise arc.BackupError(f"Bảng {spec.name}: dữ liệu COPY không kết thúc bằng xuống dòng.")


def _dump_sqlite(spec: TableSpec, writer: _TableWriter) -> None:
    encoders = sqlite_encoders(spec.columns)
    columns = ", ".join(quoted(column.name) for column in spec.columns)
    order = ", ".join(quoted(name) for name in spec.pk)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"SELECT {columns} FROM {quoted(spec.name)} ORDER BY {order}")  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        while batch := cursor.fetchmany(BATCH_ROWS):
            lines = [
                dumps([encode(value) for encode, value in zip(encoders, row, strict=True)]) for row in batch
            ]
            writer.add_block(("\n".join(lines) + "\n").encode())
    finally:
        cursor.close()


def _app_version() -> str:
    try:
        return metadata.version("antq")
    except metadata.PackageNotFoundError:
        return "unknown"


def backup_create(*, path: Path, say: Say = quiet, compresslevel: int = 6) -> BackupReport:
    """Write the database and the evidence files it references into a new archive at `path`."""
    started = time.monotonic()
    path = Path(path)
    if path.exists():
        raise arc.BackupError(f"Tệp {path} đã tồn tại; chọn tên khác (bản sao lưu không ghi đè).")
    partial = path.with_name(path.name + ".partial")
    report = BackupReport(path=path)
    specs = current_specs()
    report.unknown_tables = _unknown_tables(specs)
    tables: list[dict[str, Any]] = []
    try:
        with (
            arc.open_new(partial) as raw_file,
            zipfile.ZipFile(
                raw_file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel, allowZip64=True
            ) as archive,
        ):
            with _read_snapshot():
                migrations = migration_state()
                sequences = _sequences(specs)
                created_at = timezone.now()
                for spec in specs:
                    table_started = time.monotonic()
                    with archive.open(arc.table_member(spec.name), "w", force_zip64=True) as stream:
                        writer = _TableWriter(stream)
                        if connection.vendor == "postgresql":
                            _dump_postgresql(spec, writer)
                        else:
                            _dump_sqlite(spec, writer)
                        writer.flush()
                    tables.append(
                        {
                            "name": spec.name,
                            "model": spec.model,
                            "columns": [column.as_dict() for column in spec.columns],
                            "pk": list(spec.pk),
                            "serial": spec.serial,
                            "sequence": sequences.get(spec.name),
                            "rows": writer.rows,
                            "sha256": writer.digest.hexdigest(),
                        }
                    )
                    report.tables += 1
                    report.rows += writer.rows
                    say_table(say, report.tables, len(specs), spec.name, writer.rows, table_started)
                referenced = _referenced_files()
            files = _copy_files(archive, referenced, report, say)
            manifest = {
                "format": arc.FORMAT,
                "format_version": arc.FORMAT_VERSION,
                "app_version": _app_version(),
                "django_version": django.get_version(),
                "vendor": connection.vendor,
                "created_at": created_at.astimezone(dt.UTC).isoformat(),
                "migrations": migrations,
                "tables": tables,
                "files": files,
                "missing_files": report.missing_files,
                "mismatched_files": report.mismatched_files,
                "skipped_tables": sorted(SKIPPED_TABLES),
                "unknown_tables": report.unknown_tables,
            }
            archive.writestr(arc.MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    report.size = path.stat().st_size
    report.seconds = time.monotonic() - started
    return report


def say_table(say: Say, done: int, total: int, name: str, rows: int, started: float) -> None:
    seconds = time.monotonic() - started
    rate = rows / seconds if seconds > 0 else 0.0
    say(f"[{done}/{total}] {name}: {thousands(rows)} dòng, {seconds:.1f} s ({thousands(rate)} dòng/s)")


def _copy_files(
    archive: zipfile.ZipFile,
    referenced: dict[str, tuple[str | None, int | None]],
    report: BackupReport,
    say: Say,
) -> list[dict[str, Any]]:
    """Copy the referenced evidence files (stored, not deflated: PDF, JPEG, DOCX are compressed)."""
    entries: list[dict[str, Any]] = []
    for name in sorted(referenced):
        if not arc.safe_storage_name(name) or not evidence_storage.exists(name):
            report.missing_files.append(name)
            continue
        digest = hashlib.sha256()
        size = 0
        info = zipfile.ZipInfo(arc.file_member(name), date_time=time.gmtime()[:6])
        info.compress_type = zipfile.ZIP_STORED
        with evidence_storage.open(name, "rb") as source, archive.open(info, "w", force_zip64=True) as target:
            while block := source.read(arc.CHUNK):
                digest.update(block)
                size += len(block)
                target.write(block)
        sha = digest.hexdigest()
        recorded_sha, recorded_size = referenced[name]
        if (recorded_sha and recorded_sha != sha) or (recorded_size is not None and recorded_size != size):
            report.mismatched_files.append(name)
        entries.append({"name": name, "size": size, "sha256": sha})
        report.files += 1
        report.file_bytes += size
    say(f"Tệp minh chứng: {thousands(report.files)} tệp, {thousands(report.file_bytes)} byte")
    return entries
