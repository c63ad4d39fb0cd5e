"""Planning an inspection and moving it through planned → in progress → concluded → closed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.inspections import services
from antq.inspections.choices import InspectionStatus
from antq.inspections.models import Inspection
from tests.conftest import Tree
from tests.inspections.conftest import DAY, PlanFn, add_finding, conclude, data, start

S = InspectionStatus


def _events(obj: object) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="inspections.inspection", object_id=str(obj.pk)).order_by("id")  # type: ignore[attr-defined]
    )


def test_commune_police_plan_an_inspection_of_their_unit_with_its_team(
    tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = plan(tree.unit)
    assert inspection.status == S.PLANNED
    assert inspection.commune == tree.commune
    assert inspection.inspector_node == tree.commune
    assert [(m.name, m.position) for m in inspection.members.all()] == [
        ("Nguyễn Văn An", "Phó Trưởng Công an xã"),
        ("Lê Thị Bình", "Cán bộ"),
    ]
    [event] = _events(inspection)
    assert event.actor == commune_police
    assert event.changes["inspected_on"] == [None, DAY.isoformat()]
    assert event.node_path == tree.unit.path


def test_the_province_inspects_a_commune_and_is_the_inspecting_level(
    tree: Tree, plan: PlanFn, province_officer: User
) -> None:
    inspection = plan(tree.commune, by=province_officer)
    assert inspection.inspector_node == tree.province
    assert inspection.commune == tree.commune
    unit_inspection = plan(tree.unit, by=province_officer)
    assert unit_inspection.inspector_node == tree.province


def test_commune_police_may_not_inspect_their_own_commune(tree: Tree, plan: PlanFn) -> None:
    with pytest.raises(PermissionDenied):
        plan(tree.commune)


def test_nobody_inspects_outside_their_scope(tree: Tree, plan: PlanFn, province_officer: User) -> None:
    with pytest.raises(PermissionDenied):
        plan(tree.sibling_unit)
    with pytest.raises(PermissionDenied):
        plan(tree.other_unit, by=province_officer)


def test_a_view_only_role_cannot_plan(tree: Tree, plan: PlanFn, inspector: User) -> None:
    with pytest.raises(PermissionDenied):
        plan(tree.unit, by=inspector)


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(tree: Tree, plan: PlanFn) -> None:
    with pytest.raises(ValidationError) as caught:
        plan(tree.unit, inspected_on=None, basis="  ", team=[{"name": "An", "position": ""}])
    errors = caught.value.message_dict
    assert set(errors) == {"inspected_on", "basis", "team"}
    assert "Thành viên thứ 1" in errors["team"][0]
    assert not Inspection.objects.exists()


def test_the_full_workflow_is_audited_from_to(tree: Tree, plan: PlanFn, commune_police: User) -> None:
    inspection = plan(tree.unit)
    inspection = start(inspection, commune_police)
    assert inspection.status == S.IN_PROGRESS
    inspection = conclude(inspection, commune_police)
    assert inspection.status == S.CONCLUDED
    assert inspection.conclusion.startswith("Đơn vị thực hiện tốt")
    inspection = services.inspection_transition(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        inspection=inspection,
        to=S.CLOSED,
        expected_version=inspection.version,
    )
    assert inspection.status == S.CLOSED
    moves = [e.changes["status"] for e in _events(inspection) if "status" in e.changes]
    assert moves == [[S.PLANNED, S.IN_PROGRESS], [S.IN_PROGRESS, S.CONCLUDED], [S.CONCLUDED, S.CLOSED]]


def test_a_planned_inspection_cannot_jump_to_concluded(
    tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = plan(tree.unit)
    with pytest.raises(DomainError, match="Không thể chuyển"):
        conclude(inspection, commune_police)


def test_concluding_needs_a_conclusion(tree: Tree, plan: PlanFn, commune_police: User) -> None:
    inspection = start(plan(tree.unit), commune_police)
    with pytest.raises(ValidationError) as caught:
        services.inspection_transition(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            inspection=inspection,
            to=S.CONCLUDED,
            expected_version=inspection.version,
            conclusion="   ",
        )
    assert "conclusion" in caught.value.message_dict
    inspection.refresh_from_db()
    assert inspection.status == S.IN_PROGRESS


def test_closing_is_refused_while_a_finding_is_open(tree: Tree, plan: PlanFn, commune_police: User) -> None:
    inspection = start(plan(tree.unit), commune_police)
    finding = add_finding(inspection, commune_police)
    inspection = conclude(inspection, commune_police)
    scope = Scope.for_user(commune_police)
    with pytest.raises(DomainError, match="Còn 1 kiến nghị"):
        services.inspection_transition(
            by=commune_police,
            scope=scope,
            inspection=inspection,
            to=S.CLOSED,
            expected_version=inspection.version,
        )
    services.finding_close(
        by=commune_police, scope=scope, finding=finding, note="Đã lập sổ", expected_version=finding.version
    )
    closed = services.inspection_transition(
        by=commune_police,
        scope=scope,
        inspection=inspection,
        to=S.CLOSED,
        expected_version=inspection.version,
    )
    assert closed.status == S.CLOSED


def test_a_stale_page_cannot_move_the_inspection(tree: Tree, plan: PlanFn, commune_police: User) -> None:
    inspection = plan(tree.unit)
    seen = inspection.version
    start(inspection, commune_police)
    with pytest.raises(ConcurrentEditError):
        services.inspection_transition(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            inspection=inspection,
            to=S.IN_PROGRESS,
            expected_version=seen,
        )


def test_editing_the_team_is_audited_and_refused_once_concluded(
    tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = plan(tree.unit)
    scope = Scope.for_user(commune_police)
    updated = services.inspection_update(
        by=commune_police,
        scope=scope,
        inspection=inspection,
        data=data(team=[{"name": "Phạm Văn Cường", "position": "Trưởng Công an xã"}]),
        expected_version=inspection.version,
    )
    assert [m.name for m in updated.members.all()] == ["Phạm Văn Cường"]
    last = _events(inspection)[-1]
    assert last.changes["team"][1] == ["Phạm Văn Cường — Trưởng Công an xã"]
    with pytest.raises(ConcurrentEditError):
        services.inspection_update(
            by=commune_police, scope=scope, inspection=inspection, data=data(), expected_version=1
        )
    concluded = conclude(start(updated, commune_police), commune_police)
    with pytest.raises(DomainError, match="đã kết luận"):
        services.inspection_update(
            by=commune_police,
            scope=scope,
            inspection=concluded,
            data=data(),
            expected_version=concluded.version,
        )


def test_saving_the_edit_form_unchanged_keeps_the_version_and_writes_no_audit(
    tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = plan(tree.unit)
    before = _events(inspection)
    members = list(inspection.members.values_list("pk", flat=True))
    same = services.inspection_update(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        inspection=inspection,
        data=data(basis=f"  {inspection.basis} "),
        expected_version=inspection.version,
    )
    assert same.version == inspection.version == 1
    assert Inspection.objects.get(pk=inspection.pk).version == 1
    assert _events(inspection) == before
    assert list(inspection.members.values_list("pk", flat=True)) == members
