"""The audit log's list and its XLSX: filters, scope, formula-safe cells, the background export."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.audit import views
from antq.audit.models import AuditAction, AuditEvent
from antq.audit.services import record, record_many
from antq.core.xlsx import write_table_to
from antq.exports import registry
from antq.exports.models import ExportJob
from antq.org.models import OrgNode
from tests.conftest import Tree

FORMULA = '=HYPERLINK("http://evil.example","bấm")'


def event(node: OrgNode, *, actor: User | None, action: str, repr_: str, at: datetime) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        action=action,
        object_type="org.orgnode",
        object_id=str(node.pk),
        object_repr=repr_,
        node_path=node.path,
        at=at,
    )


@pytest.fixture
def log(tree: Tree, admin: User, commune_police: User) -> dict[str, Any]:
    """Events in the commune (one with a formula-looking name), its sibling and another province."""
    day = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.get_current_timezone())
    record_many(
        [
            event(tree.unit, actor=commune_police, action=AuditAction.UPDATE, repr_="Tổ 1 sửa", at=day),
            event(tree.school, actor=admin, action=AuditAction.DEACTIVATE, repr_=FORMULA, at=day),
            event(
                tree.unit,
                actor=admin,
                action=AuditAction.CREATE,
                repr_="Tổ 1 cũ",
                at=day - timedelta(days=30),
            ),
            event(tree.sibling_unit, actor=admin, action=AuditAction.UPDATE, repr_="Kiên Mỹ", at=day),
            event(tree.other_unit, actor=admin, action=AuditAction.UPDATE, repr_="Khu phố 5", at=day),
        ]
    )
    return {"day": day}


def listed(client: Any, **query: Any) -> set[str]:
    response = client.get(reverse("audit:list"), query)
    assert response.status_code == 200
    return {e.object_repr for e in response.context["page"].object_list}


def rows_of(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_the_list_filters_by_type_action_actor_dates_and_node(
    client: Any, tree: Tree, log: Any, commune_police: User
) -> None:
    client.force_login(commune_police)
    # The commune's events only: not its sibling's, not another province's.
    assert listed(client, type="org.orgnode") == {"Tổ 1 sửa", FORMULA, "Tổ 1 cũ"}
    assert listed(client, action="deactivate") == {FORMULA}
    assert listed(client, actor="XA.CONGAN", type="org.orgnode") == {"Tổ 1 sửa"}
    assert listed(client, actor="khong.ai") == set()
    assert listed(client, since="2026-03-10", until="2026-03-10") == {"Tổ 1 sửa", FORMULA}
    assert listed(client, until="2026-02-28") == {"Tổ 1 cũ"}
    assert listed(client, node=tree.school.pk) == {FORMULA}
    assert listed(client, type="cycles.cycle") == set()
    # A node out of scope is not found, as anywhere else.
    assert client.get(reverse("audit:list"), {"node": tree.sibling_unit.pk}).status_code == 404
    page = client.get(reverse("audit:list"), {"action": "deactivate"}).content.decode()
    assert f'href="{reverse("audit:export")}?action=deactivate"' in page
    assert f'action="{reverse("exports:start", args=["audit_events"])}"' in page


def test_the_xlsx_holds_the_filtered_events_in_scope_with_formulas_as_text(
    client: Any, tree: Tree, log: Any, commune_police: User
) -> None:
    client.force_login(commune_police)
    response = client.get(reverse("audit:export"), {"type": "org.orgnode"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = rows_of(content)
    assert {row[5] for row in rows} == {"Tổ 1 sửa", FORMULA, "Tổ 1 cũ"}
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    cells = [row[5] for row in sheet.iter_rows(min_row=2) if row[5].value == FORMULA]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].quotePrefix
    # Each row carries its hash, to compare with the database later.
    assert {row[9] for row in rows} <= set(AuditEvent.objects.values_list("hash", flat=True))

    filtered = rows_of(
        b"".join(client.get(reverse("audit:export"), {"actor": "xa.congan"}).streaming_content)
    )
    # Newest first: the first download (logged, on the commune police's commune), then the edit.
    assert [row[5] for row in filtered] == ["Phường Quy Nhơn", "Tổ 1 sửa"]


def test_each_download_of_the_log_is_itself_logged(
    client: Any, tree: Tree, log: Any, commune_police: User
) -> None:
    client.force_login(commune_police)
    response = client.get(reverse("audit:export"), {"type": "org.orgnode"})
    rows = rows_of(b"".join(response.streaming_content))
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD)
    assert event.actor == commune_police
    assert (event.object_type, event.object_id) == ("org.orgnode", str(tree.commune.pk))
    assert event.node_path == tree.commune.path
    expected = {"export": "audit_events", "filters": "object_type=org.orgnode", "rows": len(rows)}
    assert event.changes == expected
    # Read as a person reads the log: labelled, not as a change of the node's own fields.
    page = client.get(reverse("audit:list"), {"action": "download"}).content.decode()
    assert "tệp xuất" in page and "bộ lọc" in page and "object_type=org.orgnode" in page
    # Narrowed to a node: the event is that node's.
    client.get(reverse("audit:export"), {"node": tree.unit.pk})
    latest = AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).latest("pk")
    assert (latest.object_id, latest.node_path) == (str(tree.unit.pk), tree.unit.path)


def test_a_download_by_someone_exporting_from_two_communes_is_logged_on_both(
    client: Any, tree: Tree, log: Any, commune_police: User
) -> None:
    Membership.objects.create(user=commune_police, node=tree.sibling_commune, role=Role.COMMUNE_POLICE)
    client.force_login(commune_police)
    client.get(reverse("audit:export"))
    events = AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).order_by("node_path")
    assert [e.node_path for e in events] == sorted([tree.commune.path, tree.sibling_commune.path])


def test_a_unit_officer_reads_the_log_but_may_not_export_it(
    client: Any, tree: Tree, log: Any, unit_officer: User
) -> None:
    client.force_login(unit_officer)
    assert listed(client, type="org.orgnode") == {"Tổ 1 sửa", "Tổ 1 cũ"}
    assert client.get(reverse("audit:export")).status_code == 403


def test_a_long_list_is_sent_to_the_background_export(
    client: Any, tree: Tree, log: Any, commune_police: User, monkeypatch: Any
) -> None:
    monkeypatch.setattr(views, "SYNC_EXPORT_LIMIT", 2)
    client.force_login(commune_police)
    response = client.get(reverse("audit:export"), {"type": "org.orgnode"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('audit:list')}?type=org.orgnode"


def test_the_background_export_applies_the_same_filters(tree: Tree, log: Any, commune_police: User) -> None:
    exporter = registry.get("audit_events")
    assert exporter is not None
    job = ExportJob.objects.create(
        created_by=commune_police,
        node=tree.commune,
        kind="audit_events",
        label="Nhật ký",
        params={"action": "update", "type": "org.orgnode", "since": "2026-03-01"},
    )
    table = exporter.build(job, lambda done, total: None)
    assert not isinstance(table, tuple)
    out = io.BytesIO()
    write_table_to(out, table)
    assert [row[5] for row in rows_of(out.getvalue())] == ["Tổ 1 sửa"]


def test_record_sets_the_time_it_hashes(tree: Tree) -> None:
    before = timezone.now()
    created = record(actor=None, action=AuditAction.CREATE, obj=tree.unit, node_path=tree.unit.path)
    stored = AuditEvent.objects.get(pk=created.pk)
    assert before <= stored.at <= timezone.now() and stored.at == created.at and stored.hash == created.hash
