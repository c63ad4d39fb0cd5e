"""`backup_restore`: the database and the evidence files of an archive of `antq.backup.services`,
all or nothing.

The archive is verified whole (checksums, row counts, file names) before anything is written, the
database part runs in one transaction, and evidence files written for it are removed again when that
transaction fails. Large tables on PostgreSQL are loaded without their secondary indexes and foreign
keys, which are built again at the end, and the planner's statistics are gathered afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import DatabaseError, connection, transaction

from antq.backup import archive as arc
from antq.backup.services import (
    BATCH_ROWS,
    Say,
    current_specs,
    migration_state,
    quiet,
    quoted,
    say_table,
    thousands,
)
from antq.backup.tables import MIGRATION_SEEDED_TABLES, SKIPPED_TABLES, Column, TableSpec, sqlite_decoders
from antq.evidence.storage import evidence_storage

# From this many rows on, a table is loaded without its secondary indexes and foreign keys, which are
# built again afterwards (PostgreSQL).
LARGE_TABLE_ROWS = 20_000


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
            cursor.execute(f"SELECT 1 FROM {quoted(spec.name)} LIMIT 1")  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
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
        f"Tệp minh chứng: {thousands(len(plan.written) + len(plan.replaced))} tệp ghi mới, "
        f"{thousands(plan.unchanged)} tệp đã có sẵn, giống hệt"
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
            cursor.execute(f"TRUNCATE {', '.join(quoted(name) for name in names)} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for name in names:
                cursor.execute(f"DELETE FROM {quoted(name)}")  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608


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
    tables = [quoted(table["name"]) for table in manifest["tables"] if table["rows"] >= LARGE_TABLE_ROWS]
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
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quoted(name)}")
        for name, _definition in index_rows:
            cursor.execute(f"DROP INDEX {name}")
    return deferred


def _recreate_indexes_and_foreign_keys(deferred: _Deferred) -> None:
    with connection.cursor() as cursor:
        for definition in deferred.indexes:
            cursor.execute(definition)
        for table, name, definition in deferred.foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quoted(name)} {definition}")


def _load_postgresql(archive: zipfile.ZipFile, table: dict[str, Any], columns: tuple[Column, ...]) -> int:
    """COPY the archive's lines as they are into a temporary jsonb column, then one INSERT … SELECT
    casts each array element to its column's type: the parsing happens in PostgreSQL's C code, not in
    Python (about five times faster). Every spelling of the archive is the text input of its type."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [quoted(table["name"])],
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
        column_list = ", ".join(quoted(column.name) for column in columns)
        # Types come from the catalogue; positions are integers. No value is interpolated.
        expressions = ", ".join(
            f"(doc->>{index})::{types[column.name]}" for index, column in enumerate(columns)
        )
        cursor.execute(
            f"INSERT INTO {quoted(table['name'])} ({column_list}) SELECT {expressions} FROM antq_restore_rows"  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
        )
        rows = cursor.rowcount
        cursor.execute("TRUNCATE antq_restore_rows")
    return rows


def _load_sqlite(archive: zipfile.ZipFile, table: dict[str, Any], columns: tuple[Column, ...]) -> int:
    decoders = sqlite_decoders(columns)
    column_list = ", ".join(quoted(column.name) for column in columns)
    placeholders = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {quoted(table['name'])} ({column_list}) VALUES ({placeholders})"  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
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
            cursor.execute(f"SELECT MAX({quoted(spec.serial)}) FROM {quoted(spec.name)}")  # noqa: S608 - quoted identifiers from model metadata, no values  # nosec B608
            highest = max(cursor.fetchone()[0] or 0, archived.get(spec.name) or 0)
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quoted(spec.name), spec.serial])
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
    milliseconds until autovacuum came by. The restore is complete before this; a failure here only
    leaves the statistics to autovacuum, and says so."""
    if connection.vendor != "postgresql":
        return
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    except DatabaseError as exc:
        say(f"Đã khôi phục xong, nhưng chưa lập được thống kê (ANALYZE: {exc}); autovacuum sẽ làm sau.")
        return
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


def backup_restore(*, path: Path, replace: bool = False, say: Say = quiet) -> RestoreReport:
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
                    say_table(say, index, len(manifest["tables"]), table["name"], rows, table_started)
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
    _swap_replaced(plan)
    _analyze(say)
    report.files_written = len(plan.written) + len(plan.replaced)
    report.files_unchanged = plan.unchanged
    report.seconds = time.monotonic() - started
    return report
