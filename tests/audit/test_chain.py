"""The audit log's hash chain and append-only rule: every write path chains, `audit_verify` finds
the first broken link, and nothing updates or deletes an event (the model, its queryset and, on
PostgreSQL, the database's own triggers)."""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from openpyxl import Workbook

from antq.audit import chain
from antq.audit.models import AppendOnlyError, AuditAction, AuditEvent
from antq.audit.services import record, record_many
from antq.audit.verification import BreakKind, verify_chain
from antq.org.models import OrgNode
from antq.units import importing
from antq.units.models import ImportJob
from tests.conftest import Tree

TABLE = "audit_auditevent"
POSTGRES = connection.vendor == "postgresql"


def events() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("id"))


def recompute(event: AuditEvent) -> str:
    return chain.digest(event.prev_hash, {name: getattr(event, name) for name in chain.FIELDS})


def assert_chained(rows: list[AuditEvent]) -> None:
    """Each event (read back from the database) follows the one before it and hashes its own fields."""
    head = chain.GENESIS
    for event in rows:
        assert event.prev_hash == head, event.pk
        assert event.hash == recompute(event), event.pk
        head = event.hash


def record_three(tree: Tree, actor: User | None) -> list[AuditEvent]:
    """Three events with what makes serialization delicate: accents, nesting, a tuple, a number."""
    unit = tree.unit
    return [
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=unit,
            node_path=unit.path,
            changes={"name": [None, "Tổ 1"]},
        ),
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=unit,
            node_path=unit.path,
            changes={"people_count": (320, 321.5), "b": {"z": 1, "a": [True, None]}},
            reason="Đính chính số hộ",
        ),
        record(actor=None, action=AuditAction.DEACTIVATE, obj=unit, node_path=unit.path, reason="Giải thể"),
    ]


@contextmanager
def tampering() -> Iterator[None]:
    """Raw SQL changes to the log, as someone with database access would make them.

    On PostgreSQL the append-only trigger refuses them (checked here first); the table's owner
    (the test database's role) can disable it, which the rolled-back test transaction undoes.
    """
    if POSTGRES:
        with connection.cursor() as cursor:
            # ALTER TABLE waits for no deferred check: run the pending foreign-key ones first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_auditevent_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    try:
        yield
    finally:
        if POSTGRES:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_auditevent_append_only")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def verify_output() -> tuple[str, bool]:
    out = io.StringIO()
    try:
        call_command("audit_verify", "--quiet", "--batch", "2", stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


# --- Writers chain --------------------------------------------------------------------------


def test_record_chains_each_event_to_the_one_before(tree: Tree, admin: User) -> None:
    before = AuditEvent.objects.count()
    written = record_three(tree, admin)
    rows = events()
    assert len(rows) == before + 3
    assert_chained(rows)
    assert [e.hash for e in rows[-3:]] == [e.hash for e in written]
    # The stored row reads back to the same hash as the one computed before inserting it.
    assert rows[-2].changes == {"people_count": [320, 321.5], "b": {"z": 1, "a": [True, None]}}
    assert len({e.hash for e in rows}) == len(rows)


def test_the_first_event_chains_to_the_genesis_value(db: None) -> None:
    assert not AuditEvent.objects.exists()
    user = User.objects.create_user("mot")
    record(actor=None, action=AuditAction.CREATE, obj=user, node_path="000001")
    assert AuditEvent.objects.get().prev_hash == chain.GENESIS == "0" * 64


def test_record_many_and_a_direct_create_chain_in_id_order(tree: Tree, admin: User) -> None:
    record_three(tree, admin)
    unit = tree.sibling_unit
    record_many(
        AuditEvent(
            actor=admin,
            action=AuditAction.IMPORT,
            object_type="org.orgnode",
            object_id=str(unit.pk),
            object_repr=f"{unit} {n}",
            node_path=unit.path,
            changes={"n": [n, n + 1]},
        )
        for n in range(5)
    )
    AuditEvent.objects.create(
        action=AuditAction.CREATE, object_type="x.y", object_id="1", object_repr="x", node_path=unit.path
    )
    rows = events()
    assert len(rows) >= 9
    assert_chained(rows)


def _xlsx(rows: list[list[Any]]) -> SimpleUploadedFile:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Mã", "Tên", "Loại", "Mã đơn vị cấp trên"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("don vi.xlsx", out.getvalue())


def test_a_unit_import_chains_its_events(
    tree: Tree, province_officer: User, settings: Any, tmp_path: Path
) -> None:
    """The import writes its events by COPY on PostgreSQL and `bulk_create` elsewhere."""
    settings.MEDIA_ROOT = tmp_path
    record_three(tree, province_officer)
    new = [[f"X21583-KDC{n:02d}", f"Tổ dân phố {n}", "Khu dân cư", "X21583"] for n in range(10, 16)]
    changed = [["X21583-KDC01", "Tổ dân phố 1 (mới)", "Khu dân cư", "X21583"]]
    job = importing.start_import(by=province_officer, node=tree.commune, upload=_xlsx(new + changed))
    importing.run_validation(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY, job.errors
    importing.confirm_import(job=job)
    importing.run_apply(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.failure

    imported = AuditEvent.objects.filter(action=AuditAction.IMPORT)
    assert imported.count() == 7
    rows = events()
    assert_chained(rows)
    record(actor=None, action=AuditAction.UPDATE, obj=tree.unit, node_path=tree.unit.path)
    assert verify_chain().ok


def test_the_data_migration_chains_events_written_before_the_chain(tree: Tree, admin: User) -> None:
    now = timezone.now()
    with connection.cursor() as cursor:
        for n in range(5):
            cursor.execute(
                f"INSERT INTO {TABLE} (at, actor_id, action, object_type, object_id, object_repr, node_path,"  # noqa: S608
                " changes, reason, prev_hash, hash) VALUES (%s, %s, 'update', 'org.orgnode', %s, 'Tổ',"
                " %s, %s, '', '', '')",
                [now + timedelta(seconds=n), admin.pk, str(n), tree.unit.path, '{"b": 1, "a": [1, "ấ"]}'],
            )
    assert not verify_chain().ok
    migration = importlib.import_module("antq.audit.migrations.0004_chain_existing_events")
    with tampering():  # the migration runs before the triggers exist
        migration.chain_existing(django_apps, SimpleNamespace(connection=connection))
    assert_chained(events())
    result = verify_chain(batch=2)
    assert result.ok and result.checked == 5


# --- Verification ---------------------------------------------------------------------------


def test_audit_verify_passes_a_clean_chain(tree: Tree, admin: User) -> None:
    written = record_three(tree, admin)
    out, ok = verify_output()
    assert ok, out
    assert "Đã kiểm tra: 3 sự kiện" in out and out.strip().endswith("OK")
    assert f"id {written[-1].pk}, hash {written[-1].hash}" in out


def test_audit_verify_reports_an_altered_event(tree: Tree, admin: User) -> None:
    first, second, third = record_three(tree, admin)
    with tampering(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["Không có gì", second.pk])  # noqa: S608
    result = verify_chain(batch=2)
    assert result.broken is not None
    assert (result.broken.id, result.broken.kind, result.checked) == (second.pk, BreakKind.ALTERED, 1)
    assert result.broken.found == second.hash
    out, ok = verify_output()
    assert not ok
    assert f"HỎNG tại id {second.pk}" in out and "đã bị sửa" in out and "Đã kiểm tra: 1 sự kiện" in out


def test_audit_verify_reports_a_deleted_event_at_the_next_one(tree: Tree, admin: User) -> None:
    first, second, third = record_three(tree, admin)
    with tampering(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [second.pk])  # noqa: S608
    result = verify_chain()
    assert result.broken is not None
    assert (result.broken.id, result.broken.kind, result.checked) == (third.pk, BreakKind.RELINKED, 1)
    assert (result.broken.expected, result.broken.found) == (first.hash, second.hash)
    out, ok = verify_output()
    assert not ok and f"HỎNG tại id {third.pk}" in out and "bị xóa hoặc chèn" in out


def test_audit_verify_reports_an_event_inserted_out_of_chain(tree: Tree, admin: User) -> None:
    first, second, third = record_three(tree, admin)
    # A well-formed event (its own hash is right) that claims to follow the first one.
    forged = {"actor_id": admin.pk, "action": "update", "object_type": "org.orgnode", "object_id": "1"}
    forged |= {
        "object_repr": "Tổ",
        "node_path": tree.unit.path,
        "changes": {},
        "reason": "",
        "at": timezone.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, actor_id, action, object_type, object_id, object_repr, node_path,"  # noqa: S608
            " changes, reason, prev_hash, hash) VALUES (%s, %s, 'update', 'org.orgnode', '1', 'Tổ', %s,"
            " '{}', '', %s, %s)",
            [forged["at"], admin.pk, tree.unit.path, first.hash, chain.digest(first.hash, forged)],
        )
    inserted = AuditEvent.objects.latest("id")
    result = verify_chain()
    assert result.broken is not None
    assert (result.broken.id, result.broken.kind, result.checked) == (inserted.pk, BreakKind.RELINKED, 3)
    assert result.broken.expected == third.hash


# --- Append-only ----------------------------------------------------------------------------


def test_an_event_cannot_be_saved_again_or_deleted(tree: Tree, admin: User) -> None:
    event = record_three(tree, admin)[0]
    event.reason = "khác"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="khác")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.reason == "" and stored.hash == event.hash


def test_raw_update_and_delete_are_refused_by_postgresql_only(tree: Tree, admin: User) -> None:
    """PostgreSQL refuses them itself; SQLite (tests, laptops) has no trigger: there the chain alone
    shows the change (the tests above)."""
    event = record_three(tree, admin)[0]
    for sql in (f"UPDATE {TABLE} SET reason = 'x' WHERE id = %s", f"DELETE FROM {TABLE} WHERE id = %s"):  # noqa: S608
        refused = False
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
                transaction.set_rollback(True)  # SQLite: undo, the next statement needs the row
        except DatabaseError as exc:
            refused = "append-only" in str(exc)
        assert refused is POSTGRES, sql
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_node_deletion_leaves_the_log_alone(tree: Tree, admin: User) -> None:
    """The benchmark's import cleanup deletes units only: their events stay, the chain holds."""
    record_three(tree, admin)
    OrgNode.objects.filter(pk=tree.school.pk).delete()
    assert verify_chain().ok
