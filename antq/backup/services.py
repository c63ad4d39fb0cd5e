"""`backup_create` and `backup_restore`: the whole database and the evidence files in one archive.

Consistency: every table, the migration state, the sequences and the list of evidence files are
read in one transaction snapshot (PostgreSQL: REPEATABLE READ READ ONLY; SQLite: one deferred read
transaction, which WAL keeps from blocking writers). The files named by that snapshot are copied
afterwards: evidence files are never changed once written (a withdrawal is a flag), so the copy is
what the snapshot referenced; a file written later is not referenced and not copied, a referenced
file that is gone is reported.

Restore is all-or-nothing: the archive is verified whole (checksums, row counts, file names) before
anything is written, the database part runs in one transaction, and evidence files written for it
are removed again when that transaction fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import secrets
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.core.files.base import ContentFile, File
from django.db import connection, models, transaction
from django.utils import timezone

from antq.backup import archive as arc
from antq.backup.tables import (
    MIGRATION_SEEDED_TABLES,
    SKIPPED_TABLES,
    Column,
    TableSpec,
    UnsupportedColumn,
    pg_select_expression,
    sqlite_decoders,
    sqlite_encoders,
    table_specs,
)
from antq.evidence.storage import evidence_storage

Say = Callable[[str], None]
BATCH_ROWS = 5000
# From this many rows on, a table is loaded without its secondary indexes and foreign keys, which are
# built again afterwards (PostgreSQL).
LARGE_TABLE_ROWS = 20_000
# Tables that exist in every database and are no application data.
_INTERNAL_TABLES = frozenset({"django_migrations", "sqlite_sequence"})


def _quiet(_message: str) -> None:
    return None


def _fmt(number: float) -> str:
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


@dataclass
class RestoreReport:
    """What `backup_restore` wrote."""

    tables: int = 0
    rows: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    seconds: float = 0.0
    source_vendor: str = ""
    created_at: str = ""


# --- what is in the database ---------------------------------------------------------------------


def _q(name: str) -> str:
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
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [_q(spec.name), spec.serial])
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
    expressions = ", ".join(pg_select_expression(column, _q(column.name)) for column in spec.columns)
    order = ", ".join(_q(name) for name in spec.pk)
    # Identifiers come from model metadata and are quoted; no value is interpolated.
    sql = f"COPY (SELECT json_build_array({expressions}) FROM {_q(spec.name)} ORDER BY {order}) TO STDOUT"  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
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
    columns = ", ".join(_q(column.name) for column in spec.columns)
    order = ", ".join(_q(name) for name in spec.pk)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"SELECT {columns} FROM {_q(spec.name)} ORDER BY {order}")  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
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


def backup_create(*, path: Path, say: Say = _quiet, compresslevel: int = 6) -> BackupReport:
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
                    _say_table(say, report.tables, len(specs), spec.name, writer.rows, table_started)
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


def _say_table(say: Say, done: int, total: int, name: str, rows: int, started: float) -> None:
    seconds = time.monotonic() - started
    rate = rows / seconds if seconds > 0 else 0.0
    say(f"[{done}/{total}] {name}: {_fmt(rows)} dòng, {seconds:.1f} s ({_fmt(rate)} dòng/s)")


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
    say(f"Tệp minh chứng: {_fmt(report.files)} tệp, {_fmt(report.file_bytes)} byte")
    return entries


# --- restore -------------------------------------------------------------------------------------


def _describe_migration_difference(archived: dict[str, list[str]], current: dict[str, list[str]]) -> str:
    archived_set = {(app, name) for app, names in archived.items() for name in names}
    current_set = {(app, name) for app, names in current.items() for name in names}
    lines = []
    only_archive = sorted(archived_set - current_set)
    only_target = sorted(current_set - archived_set)
    if only_archive:
        listed = ", ".join(f"{app}.{name}" for app, name in only_archive[:10])
        more = f" và {len(only_archive) - 10} migration khác" if len(only_archive) > 10 else ""
        lines.append(f"chỉ bản sao lưu có: {listed}{more}")
    if only_target:
        listed = ", ".join(f"{app}.{name}" for app, name in only_target[:10])
        more = f" và {len(only_target) - 10} migration khác" if len(only_target) > 10 else ""
        lines.append(f"chỉ CSDL đích có: {listed}{more}")
    return "; ".join(lines)


def _check_structure(manifest: dict[str, Any], specs: list[TableSpec]) -> None:
    current = {spec.name: spec for spec in specs}
    archived = {table["name"]: table for table in manifest["tables"]}
    problems = []
    for name in sorted(set(archived) - set(current)):
        problems.append(f"CSDL đích không có bảng {name}")
    for name in sorted(set(current) - set(archived)):
        problems.append(f"bản sao lưu không có bảng {name}")
    for name in sorted(set(archived) & set(current)):
        columns = tuple(Column.from_dict(column) for column in archived[name]["columns"])
        if columns != current[name].columns:
            problems.append(f"cột của bảng {name} khác nhau")
    if problems:
        raise arc.BackupError("Cấu trúc CSDL đích khác bản sao lưu: " + "; ".join(problems) + ".")


def _non_empty_tables(specs: list[TableSpec]) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for spec in specs:
            if spec.name in MIGRATION_SEEDED_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {_q(spec.name)} LIMIT 1")  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
            if cursor.fetchone():
                found.append(spec.name)
    return found


def target_is_empty() -> bool:
    """True when the database holds nothing but what `migrate` itself writes."""
    return not _non_empty_tables(current_specs())


def _file_sha(name: str) -> str:
    digest = hashlib.sha256()
    with evidence_storage.open(name, "rb") as stream:
        while block := stream.read(arc.CHUNK):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _FilePlan:
    written: list[str] = field(default_factory=list)
    # Names whose current file differs from the archive's: (name, staged name) swapped after commit.
    replaced: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0

    def undo(self) -> None:
        for name in self.written:
            with contextlib.suppress(OSError):
                evidence_storage.delete(name)
        for _name, staged in self.replaced:
            with contextlib.suppress(OSError):
                evidence_storage.delete(staged)


def _save_exact(name: str, content: File[Any]) -> None:
    saved = evidence_storage.save(name, content)
    if saved != name:
        with contextlib.suppress(OSError):
            evidence_storage.delete(saved)
        raise arc.BackupError(f"Không ghi được tệp minh chứng {name} đúng tên (kho lưu trữ đặt tên {saved}).")


def _write_files(archive: zipfile.ZipFile, manifest: dict[str, Any], plan: _FilePlan, say: Say) -> None:
    """Write the archive's evidence files that the storage lacks; stage those that differ.

    A new file is written under its own name: no row references it until the database part
    commits, and `plan.undo()` removes it if that fails. A name that already holds other content
    (a file of the database being replaced) is staged beside it and swapped only after the commit."""
    token = secrets.token_hex(6)
    for entry in manifest["files"]:
        name = entry["name"]
        if evidence_storage.exists(name):
            if _file_sha(name) == entry["sha256"]:
                plan.unchanged += 1
                continue
            staged = f"restore-{token}/{name}"
            with archive.open(arc.file_member(name)) as stream:
                _save_exact(staged, File(stream, name=staged))
            plan.replaced.append((name, staged))
            continue
        with archive.open(arc.file_member(name)) as stream:
            _save_exact(name, File(stream, name=name))
        plan.written.append(name)
    say(
        f"Tệp minh chứng: {_fmt(len(plan.written) + len(plan.replaced))} tệp ghi mới, "
        f"{_fmt(plan.unchanged)} tệp đã có sẵn, giống hệt"
    )


def _swap_replaced(plan: _FilePlan) -> None:
    failed = []
    for name, staged in plan.replaced:
        try:
            with evidence_storage.open(staged, "rb") as stream:
                evidence_storage.delete(name)
                _save_exact(name, ContentFile(stream.read(), name=name))
            evidence_storage.delete(staged)
        except (OSError, arc.BackupError):
            failed.append(f"{staged} → {name}")
    if failed:
        raise arc.BackupError(
            "CSDL đã khôi phục nhưng chưa thay được các tệp minh chứng sau (bản từ sao lưu vẫn nằm ở "
            "tên tạm, hãy chép đè thủ công): " + ", ".join(failed)
        )


def _empty_tables(specs: list[TableSpec]) -> None:
    names = [spec.name for spec in specs] + sorted(SKIPPED_TABLES)
    present = set(connection.introspection.table_names())
    names = [name for name in names if name in present]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rows inserted earlier in this transaction leave deferred foreign-key checks pending,
            # and TRUNCATE refuses a table with pending trigger events: run them first. TRUNCATE,
            # not DELETE: the audit table refuses DELETE (append-only trigger) but not TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(_q(name) for name in names)} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for name in names:
                cursor.execute(f"DELETE FROM {_q(name)}")  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608


@dataclass
class _Deferred:
    """Indexes and foreign keys dropped for the load and created again afterwards (PostgreSQL)."""

    indexes: list[str] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)


def _drop_indexes_and_foreign_keys(manifest: dict[str, Any]) -> _Deferred:
    """What pg_restore does, for the large tables: building an index once over the loaded rows, and
    checking a foreign key with one join, is several times faster than maintaining them row by row.
    All of it is DDL inside the restore's transaction, so a failure puts every index and constraint
    back. Small tables keep theirs (the DDL would cost more than it saves)."""
    deferred = _Deferred()
    tables = [_q(table["name"]) for table in manifest["tables"] if table["rows"] >= LARGE_TABLE_ROWS]
    if not tables:
        return deferred
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        deferred.foreign_keys = [(table, name, definition) for table, name, definition in cursor.fetchall()]
        # Indexes that back no constraint (primary keys and unique constraints stay: other tables'
        # foreign keys depend on them).
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1",
            [tables],
        )
        index_rows = cursor.fetchall()
        deferred.indexes = [definition for _name, definition in index_rows]
        for table, name, _definition in deferred.foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_q(name)}")
        for name, _definition in index_rows:
            cursor.execute(f"DROP INDEX {name}")
    return deferred


def _recreate_indexes_and_foreign_keys(deferred: _Deferred) -> None:
    with connection.cursor() as cursor:
        for definition in deferred.indexes:
            cursor.execute(definition)
        for table, name, definition in deferred.foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_q(name)} {definition}")


def _load_postgresql(archive: zipfile.ZipFile, table: dict[str, Any], columns: tuple[Column, ...]) -> int:
    """COPY the archive's lines as they are into a temporary jsonb column, then one INSERT … SELECT
    casts each array element to its column's type: the parsing happens in PostgreSQL's C code, not in
    Python (about five times faster). Every spelling of the archive is the text input of its type."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [_q(table["name"])],
        )
        types = dict(cursor.fetchall())
        with cursor.copy("COPY antq_restore_rows (doc) FROM STDIN") as copy:  # type: ignore[attr-defined]
            pending: list[bytes] = []
            size = 0
            for line in arc.iter_lines(archive, arc.table_member(table["name"])):
                pending.append(line)
                size += len(line)
                if size >= arc.CHUNK:
                    # COPY's text format reads a backslash as an escape: double them. A JSON line
                    # holds no raw tab or newline.
                    copy.write((b"\n".join(pending) + b"\n").replace(b"\\", b"\\\\"))
                    pending, size = [], 0
            if pending:
                copy.write((b"\n".join(pending) + b"\n").replace(b"\\", b"\\\\"))
        column_list = ", ".join(_q(column.name) for column in columns)
        # Types come from the catalogue; positions are integers. No value is interpolated.
        expressions = ", ".join(
            f"(doc->>{index})::{types[column.name]}" for index, column in enumerate(columns)
        )
        cursor.execute(
            f"INSERT INTO {_q(table['name'])} ({column_list}) SELECT {expressions} FROM antq_restore_rows"  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
        )
        rows = cursor.rowcount
        cursor.execute("TRUNCATE antq_restore_rows")
    return rows


def _load_sqlite(archive: zipfile.ZipFile, table: dict[str, Any], columns: tuple[Column, ...]) -> int:
    decoders = sqlite_decoders(columns)
    column_list = ", ".join(_q(column.name) for column in columns)
    placeholders = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {_q(table['name'])} ({column_list}) VALUES ({placeholders})"  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
    rows = 0
    loads = json.loads
    cursor = connection.connection.cursor()
    try:
        batch: list[list[Any]] = []
        for line in arc.iter_lines(archive, arc.table_member(table["name"])):
            values = loads(line)
            batch.append([decode(value) for decode, value in zip(decoders, values, strict=True)])
            if len(batch) >= BATCH_ROWS:
                cursor.executemany(sql, batch)
                rows += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            rows += len(batch)
    finally:
        cursor.close()
    return rows


def _restore_sequences(manifest: dict[str, Any], specs: list[TableSpec]) -> None:
    """Counters continue after the highest id, or after the archive's counter if that is higher."""
    archived = {table["name"]: table.get("sequence") for table in manifest["tables"]}
    with connection.cursor() as cursor:
        for spec in specs:
            if spec.serial is None:
                continue
            cursor.execute(f"SELECT MAX({_q(spec.serial)}) FROM {_q(spec.name)}")  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
            highest = max(cursor.fetchone()[0] or 0, archived.get(spec.name) or 0)
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [_q(spec.name), spec.serial])
                sequence = cursor.fetchone()[0]
                if sequence:
                    if highest > 0:
                        cursor.execute("SELECT setval(%s::regclass, %s, true)", [sequence, highest])
                    else:
                        cursor.execute("SELECT setval(%s::regclass, 1, false)", [sequence])
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [spec.name])
                if highest > 0:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [spec.name, highest]
                    )


def _analyze(say: Say) -> None:
    """Planner statistics for the tables just filled. Without them PostgreSQL plans every join as if
    each table held one row (nested loops over aggregates): a dashboard took minutes instead of
    milliseconds until autovacuum came by."""
    if connection.vendor != "postgresql":
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"Thống kê cho bộ lập kế hoạch truy vấn (ANALYZE): {time.monotonic() - started:.1f} s")


def _check_foreign_keys(specs: list[TableSpec]) -> None:
    """Check the deferred foreign keys now, so that a broken archive fails inside the restore."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        connection.check_constraints(table_names=[spec.name for spec in specs])


def backup_verify(*, path: Path) -> dict[str, Any]:
    """The manifest of an intact archive; `BackupError` naming every problem otherwise."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = arc.read_manifest(archive)
            problems = arc.verify(archive, manifest)
    except (zipfile.BadZipFile, OSError) as exc:
        raise arc.BackupError(f"Không đọc được bản sao lưu {path}: {exc}") from exc
    if problems:
        shown = "; ".join(problems[:20])
        more = f" (và {len(problems) - 20} lỗi khác)" if len(problems) > 20 else ""
        raise arc.BackupError(f"Bản sao lưu bị hỏng hoặc đã bị sửa, không khôi phục gì: {shown}{more}.")
    return manifest


def backup_restore(*, path: Path, replace: bool = False, say: Say = _quiet) -> RestoreReport:
    """Replace the database and add the evidence files with the archive's, all or nothing."""
    started = time.monotonic()
    manifest = backup_verify(path=path)
    say(f"Bản sao lưu nguyên vẹn ({len(manifest['tables'])} bảng, {len(manifest['files'])} tệp).")
    report = RestoreReport(source_vendor=manifest["vendor"], created_at=manifest["created_at"])
    current = migration_state()
    if current != manifest["migrations"]:
        difference = _describe_migration_difference(manifest["migrations"], current)
        raise arc.BackupError(
            "Trạng thái migration của CSDL đích khác bản sao lưu, không khôi phục gì "
            f"({difference}). Hãy dùng phiên bản ANTQ đã tạo bản sao lưu (ANTQ {manifest['app_version']}) "
            "và chạy `antq migrate` trên CSDL trống trước khi khôi phục."
        )
    specs = current_specs()
    _check_structure(manifest, specs)
    if not replace:
        busy = _non_empty_tables(specs)
        if busy:
            listed = ", ".join(busy[:8]) + (" …" if len(busy) > 8 else "")
            raise arc.BackupError(
                f"CSDL đích đã có dữ liệu ({listed}); không khôi phục gì. Dùng --replace để xoá toàn bộ "
                "dữ liệu hiện có và thay bằng bản sao lưu."
            )
    columns_of = {spec.name: spec.columns for spec in specs}
    plan = _FilePlan()
    with zipfile.ZipFile(path) as archive:
        try:
            _write_files(archive, manifest, plan, say)
            with transaction.atomic():
                _empty_tables(specs)
                deferred = None
                if connection.vendor == "postgresql":
                    deferred = _drop_indexes_and_foreign_keys(manifest)
                    with connection.cursor() as cursor:
                        cursor.execute("CREATE TEMP TABLE antq_restore_rows (doc jsonb) ON COMMIT DROP")
                for index, table in enumerate(manifest["tables"], start=1):
                    table_started = time.monotonic()
                    if table["rows"] == 0:
                        rows = 0
                    elif connection.vendor == "postgresql":
                        rows = _load_postgresql(archive, table, columns_of[table["name"]])
                    else:
                        rows = _load_sqlite(archive, table, columns_of[table["name"]])
                    if rows != table["rows"]:
                        raise arc.BackupError(
                            f"Bảng {table['name']}: nạp {rows} dòng, manifest ghi {table['rows']}."
                        )
                    report.tables += 1
                    report.rows += rows
                    _say_table(say, index, len(manifest["tables"]), table["name"], rows, table_started)
                finishing = time.monotonic()
                if deferred is not None:
                    _recreate_indexes_and_foreign_keys(deferred)
                    with connection.cursor() as cursor:
                        cursor.execute("DROP TABLE antq_restore_rows")
                _restore_sequences(manifest, specs)
                _check_foreign_keys(specs)
                say(f"Chỉ mục, khoá ngoại, bộ đếm: {time.monotonic() - finishing:.1f} s")
        except BaseException:
            plan.undo()
            raise
    _analyze(say)
    _swap_replaced(plan)
    report.files_written = len(plan.written) + len(plan.replaced)
    report.files_unchanged = plan.unchanged
    report.seconds = time.monotonic() - started
    return report
