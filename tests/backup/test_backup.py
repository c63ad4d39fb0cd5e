"""`antq backup` / `antq restore`: a round trip reproduces every table and every evidence file exactly,
and a restore that cannot be complete writes nothing."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import threading
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from antq.accounts.models import Membership
from antq.backup.archive import MANIFEST, BackupError, file_member, table_member
from antq.backup.restore import backup_restore, target_is_empty
from antq.backup.services import backup_create
from antq.evidence.models import EvidenceDocument
from antq.evidence.storage import evidence_storage
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from tests import factories as f
from tests.backup.conftest import every_file, every_table


def _listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_same_tables(before: dict[str, list[tuple[Any, ...]]]) -> None:
    after = every_table()
    assert sorted(after) == sorted(before)
    for table, rows in before.items():
        assert after[table] == rows, table


def test_a_round_trip_reproduces_every_table_and_every_file(dataset, tmp_path, evidence_dir):
    before = every_table()
    files = every_file()
    values = [value for rows in before.values() for row in rows for value in row]
    # The data holds every kind of value the archive must carry.
    kinds = {type(value) for value in values}
    assert {int, str, bool, type(None), decimal.Decimal, dt.date, dt.datetime, dict, list} <= kinds
    assert any(isinstance(v, dt.datetime) and v.microsecond for v in values)
    assert any(isinstance(v, str) and "ệ" in v for v in values)
    assert len(files) == 3 and all(len(content) > 50 for content in files.values())
    archive = tmp_path / "antq.zip"

    report = backup_create(path=archive)

    assert report.tables == len(before)
    assert report.rows == sum(len(rows) for rows in before.values())
    assert (report.files, report.missing_files, report.mismatched_files) == (3, [], [])
    assert archive.stat().st_mode & 0o777 == 0o600
    # What happens after the backup: rows edited, added and removed, a file lost, another one
    # overwritten, and someone signed in.
    unit = dataset[0].node
    OrgNode.objects.filter(pk=unit.pk).update(name="Sửa sau khi sao lưu")
    User.objects.create(username="tao.sau.sao.luu")
    Membership.objects.all().delete()
    evidence_storage.delete(dataset[0].file.name)
    (evidence_dir / dataset[1].file.name).write_bytes(b"noi dung khac")
    Session.objects.create(session_key="k" * 32, session_data="x", expire_date=timezone.now())

    result = backup_restore(path=archive, replace=True)

    assert (result.tables, result.rows) == (report.tables, report.rows)
    _assert_same_tables(before)
    assert every_file() == files
    assert result.files_written == 2 and result.files_unchanged == 1
    # Sessions name users by id: they are all gone. New rows get ids after the restored ones.
    assert not Session.objects.exists()
    highest = max(pk for pk, *_rest in before["auth_user"])
    assert User.objects.create(username="sau.khoi.phuc").pk > highest
    if connection.vendor == "postgresql":
        # The planner has statistics for the restored tables (without them it plans every join for
        # one-row tables).
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'org_orgnode'")
            assert cursor.fetchone()[0] == OrgNode.objects.count()


def _tampered_copy(source: Path, target: Path, member: str) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            content = old.read(info.filename)
            if info.filename == member:
                content = content.replace(b"a", b"b", 1) if b"a" in content else content + b"\n"
            new.writestr(info, content)


@pytest.mark.parametrize("which", ["table", "file"])
def test_a_tampered_archive_is_refused_before_anything_is_written(documents, tmp_path, evidence_dir, which):
    archive = tmp_path / "antq.zip"
    backup_create(path=archive)
    member = table_member("org_orgnode") if which == "table" else file_member(documents[0].file.name)
    tampered = tmp_path / "sua.zip"
    _tampered_copy(archive, tampered, member)
    evidence_storage.delete(documents[1].file.name)  # a restore would write this one back
    OrgNode.objects.filter(pk=documents[0].node_id).update(name="Sửa sau khi sao lưu")
    before = every_table()
    stored = _listing(evidence_dir)

    with pytest.raises(BackupError, match="mã băm SHA-256") as refused:
        backup_restore(path=tampered, replace=True)

    assert "không khôi phục gì" in str(refused.value)
    _assert_same_tables(before)
    assert _listing(evidence_dir) == stored


def test_a_different_migration_state_is_refused_with_the_difference(documents, tmp_path, evidence_dir):
    archive = tmp_path / "antq.zip"
    backup_create(path=archive)
    MigrationRecorder(connection).record_applied("backup", "0001_chua_co_trong_ban_sao_luu")
    evidence_storage.delete(documents[0].file.name)
    before = every_table()
    stored = _listing(evidence_dir)

    with pytest.raises(BackupError) as refused:
        backup_restore(path=archive, replace=True)

    message = str(refused.value)
    assert "Trạng thái migration của CSDL đích khác bản sao lưu" in message
    assert "chỉ CSDL đích có: backup.0001_chua_co_trong_ban_sao_luu" in message
    _assert_same_tables(before)
    assert _listing(evidence_dir) == stored


def test_a_database_with_data_is_replaced_only_with_replace(documents, tmp_path):
    archive = tmp_path / "antq.zip"
    backup_create(path=archive)
    User.objects.create(username="tao.sau.sao.luu")
    before = every_table()

    with pytest.raises(BackupError, match="--replace"):
        backup_restore(path=archive)

    _assert_same_tables(before)
    with pytest.raises(CommandError, match="CSDL đích đã có dữ liệu"):
        call_command("restore", str(archive))


def test_a_freshly_migrated_database_takes_a_restore_without_replace(db, tmp_path):
    # What `migrate` writes itself (content types, permissions, seeded catalogues) does not count.
    assert target_is_empty()
    empty = tmp_path / "trong.zip"
    backup_create(path=empty)
    nation = f.node(NodeKind.NATION, "Toàn quốc", "VN")
    province = f.node(NodeKind.PROVINCE, "Tỉnh Gia Lai", "T52", nation)
    f.user_with_role("tinh.canbo", "province_officer", province)
    assert not target_is_empty()
    before = every_table()
    full = tmp_path / "day-du.zip"
    backup_create(path=full)

    backup_restore(path=empty, replace=True)  # back to what a new database holds
    assert target_is_empty() and not OrgNode.objects.exists()
    backup_restore(path=full)

    _assert_same_tables(before)


def test_the_commands_report_progress_a_missing_file_and_check_an_archive(documents, tmp_path):
    lost = documents[0].file.name
    evidence_storage.delete(lost)
    archive = tmp_path / "antq.zip"
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 tệp minh chứng bị thiếu"):
        call_command("backup", str(archive), stdout=out, stderr=err)

    assert "org_orgnode" in out.getvalue() and "dòng/s" in out.getvalue()
    assert f"Thiếu tệp minh chứng được CSDL tham chiếu: {lost}" in err.getvalue()
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read(MANIFEST))
    assert manifest["missing_files"] == [lost]
    assert manifest["vendor"] == connection.vendor
    assert manifest["migrations"]["evidence"][0] == "0001_initial"
    assert "django_session" not in {table["name"] for table in manifest["tables"]}
    with pytest.raises(CommandError, match="đã tồn tại"):
        call_command("backup", str(archive), stdout=StringIO(), stderr=StringIO())

    out = StringIO()
    call_command("restore", str(archive), "--check", stdout=out)
    assert "Bản sao lưu nguyên vẹn" in out.getvalue()
    out = StringIO()
    call_command("restore", str(archive), "--replace", stdout=out)
    assert "Đã khôi phục" in out.getvalue()
    assert EvidenceDocument.objects.filter(file=lost).exists() and not evidence_storage.exists(lost)


@pytest.mark.django_db(transaction=True)
def test_the_dump_reads_one_snapshot_and_ignores_later_writes(tmp_path):
    nation = f.node(NodeKind.NATION, "Toàn quốc", "VN")
    f.user_with_role("quantri", "system_admin", nation)
    users_before = User.objects.count()
    written: list[str] = []

    def write_from_another_connection(_message: str) -> None:
        # After the first table (accounts_membership), before auth_user is read.
        if written or connection.vendor != "postgresql":
            return

        def create() -> None:
            try:
                written.append(User.objects.create(username="ghi.trong.luc.sao.luu").username)
            finally:
                connections.close_all()

        thread = threading.Thread(target=create)
        thread.start()
        thread.join()

    archive = tmp_path / "antq.zip"
    backup_create(path=archive, say=write_from_another_connection)

    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read(MANIFEST))
    rows = {table["name"]: table["rows"] for table in manifest["tables"]}
    assert rows["auth_user"] == users_before and rows["org_orgnode"] == 1
    # The read transaction is over: the connection is back in autocommit and writes again.
    assert connection.get_autocommit() and not connection.in_atomic_block
    User.objects.create(username="sau.sao.luu")
    if connection.vendor == "postgresql":
        # PostgreSQL: REPEATABLE READ; a user committed by another connection mid-dump is not in
        # the archive. (SQLite's test database is in memory, without the WAL snapshots of a file.)
        assert written == ["ghi.trong.luc.sao.luu"]
        assert User.objects.filter(username="ghi.trong.luc.sao.luu").exists()
