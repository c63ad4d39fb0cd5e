"""Findings: recorded with an owner and a due date, followed up, closed with a note; overdue ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.inspections import selectors, services
from antq.inspections.choices import FindingStatus
from antq.inspections.models import Finding, FindingUpdate
from tests.conftest import Tree
from tests.inspections.conftest import PlanFn, add_finding, conclude, start


def test_a_finding_is_recorded_against_a_criterion_of_the_checklist(
    tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = start(plan(tree.unit), commune_police)
    finding = add_finding(inspection, commune_police, criterion_id="TT124.KDC.1")
    assert (finding.status, finding.criterion_id, finding.owner) == (
        "open",
        "TT124.KDC.1",
        "Trưởng khu dân cư",
    )
    event = AuditEvent.objects.get(object_type="inspections.finding", object_id=str(finding.pk))
    assert event.changes["due_on"] == [None, "2025-06-30"]


def test_bad_findings_are_refused_field_by_field(tree: Tree, plan: PlanFn, commune_police: User) -> None:
    inspection = start(plan(tree.unit), commune_police)
    with pytest.raises(ValidationError) as caught:
        add_finding(
            inspection,
            commune_police,
            description=" ",
            owner="",
            due_on=dt.date(2025, 4, 1),
            criterion_id="TT124.CQDN.3",
        )
    errors = caught.value.message_dict
    assert set(errors) == {"description", "owner", "due_on", "criterion_id"}
    assert "02/05/2025" in errors["due_on"][0]
    assert "TT124.CQDN.3" in errors["criterion_id"][0]
    assert not Finding.objects.exists()


def test_no_finding_on_a_planned_inspection(tree: Tree, plan: PlanFn, commune_police: User) -> None:
    with pytest.raises(DomainError):
        add_finding(plan(tree.unit), commune_police)


def test_follow_up_is_logged_and_audited_then_refused_once_closed(
    tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = start(plan(tree.unit), commune_police)
    finding = add_finding(inspection, commune_police)
    scope = Scope.for_user(commune_police)
    entry = services.finding_follow_up(
        by=commune_police, scope=scope, finding=finding, note="Đã lập một phần"
    )
    assert entry.finding == finding and entry.by == commune_police
    assert AuditEvent.objects.filter(
        object_type="inspections.findingupdate", object_id=str(entry.pk)
    ).exists()
    with pytest.raises(ValidationError):
        services.finding_follow_up(by=commune_police, scope=scope, finding=finding, note="  ")
    closed = services.finding_close(
        by=commune_police,
        scope=scope,
        finding=finding,
        note="Đã lập sổ đầy đủ",
        expected_version=finding.version,
    )
    assert closed.status == FindingStatus.CLOSED
    assert closed.closing_note == "Đã lập sổ đầy đủ"
    assert closed.closed_on is not None
    event = AuditEvent.objects.filter(object_type="inspections.finding", object_id=str(finding.pk)).latest(
        "id"
    )
    assert event.changes["status"] == ["open", "closed"]
    assert event.reason == "Đã lập sổ đầy đủ"
    with pytest.raises(DomainError):
        services.finding_follow_up(by=commune_police, scope=scope, finding=finding, note="Thêm")
    assert FindingUpdate.objects.count() == 1


def test_closing_needs_a_note_and_the_current_version(tree: Tree, plan: PlanFn, commune_police: User) -> None:
    inspection = start(plan(tree.unit), commune_police)
    finding = add_finding(inspection, commune_police)
    scope = Scope.for_user(commune_police)
    with pytest.raises(ValidationError):
        services.finding_close(by=commune_police, scope=scope, finding=finding, note="", expected_version=1)
    with pytest.raises(ConcurrentEditError):
        services.finding_close(
            by=commune_police, scope=scope, finding=finding, note="Xong", expected_version=7
        )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_the_inspected_unit_reads_but_cannot_close_its_findings(
    tree: Tree, plan: PlanFn, commune_police: User, unit_officer: User
) -> None:
    inspection = start(plan(tree.unit), commune_police)
    finding = add_finding(inspection, commune_police)
    officer_scope = Scope.for_user(unit_officer)
    listed = selectors.finding_list(
        scope=officer_scope, filters=selectors.FindingFilters(), today=dt.date(2025, 7, 1)
    )
    assert list(listed) == [finding]
    with pytest.raises(PermissionDenied):
        services.finding_close(
            by=unit_officer, scope=officer_scope, finding=finding, note="Xong", expected_version=1
        )


def test_overdue_means_open_after_the_due_date(tree: Tree, plan: PlanFn, commune_police: User) -> None:
    inspection = start(plan(tree.unit), commune_police)
    late = add_finding(inspection, commune_police, due_on=dt.date(2025, 6, 1))
    on_time = add_finding(inspection, commune_police, due_on=dt.date(2025, 8, 1))
    today = dt.date(2025, 7, 1)
    assert late.is_overdue(today) and not on_time.is_overdue(today)
    assert not late.is_overdue(dt.date(2025, 6, 1))
    overdue = selectors.finding_list(
        scope=Scope.for_user(commune_police), filters=selectors.FindingFilters(overdue=True), today=today
    )
    assert list(overdue) == [late]
    services.finding_close(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        finding=late,
        note="Đã khắc phục",
        expected_version=late.version,
    )
    late.refresh_from_db()
    assert not late.is_overdue(today)
    row = selectors.inspection_list(
        scope=Scope.for_user(commune_police), filters=selectors.InspectionFilters(), today=today
    ).get()
    assert (row.open_findings, row.overdue_findings) == (1, 0)  # type: ignore[attr-defined]
    concluded = conclude(inspection, commune_police)
    assert concluded.status == "concluded"
