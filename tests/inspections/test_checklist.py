"""The checklist: the TT 124 criteria of the inspected node's kind, copied when the inspection is
created, and the results recorded during the inspection."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.criteria.models import FrameworkVersion
from antq.inspections import services
from antq.inspections.choices import CheckResult
from antq.inspections.models import Inspection
from tests.conftest import Tree
from tests.inspections.conftest import PlanFn, data, start


def test_a_residential_area_gets_the_kdc_criteria_in_order(tree: Tree, plan: PlanFn) -> None:
    inspection = plan(tree.unit)
    ids = list(inspection.checks.values_list("criterion_id", flat=True))
    assert ids[0] == "TT124.KDC.1"
    assert all(i.startswith("TT124.KDC.") for i in ids)
    assert len(ids) >= 4
    first = inspection.checks.first()
    assert first is not None and "Quý I" in first.label
    assert {c.result for c in inspection.checks.all()} == {CheckResult.NOT_CHECKED}
    assert inspection.framework_version == "2021.1"


def test_a_school_and_a_commune_get_their_own_criteria(
    tree: Tree, plan: PlanFn, province_officer: User
) -> None:
    school = plan(tree.school)
    commune = plan(tree.commune, by=province_officer)
    assert all(c.startswith("TT124.CSGD.") for c in school.checks.values_list("criterion_id", flat=True))
    assert all(c.startswith("TT124.XA.") for c in commune.checks.values_list("criterion_id", flat=True))


def test_without_a_stored_framework_the_inspection_is_refused(tree: Tree, commune_police: User) -> None:
    with pytest.raises(DomainError, match="TT 124"):
        services.inspection_create(
            by=commune_police, scope=Scope.for_user(commune_police), node=tree.unit, data=data()
        )
    assert not Inspection.objects.exists()


def _later_version() -> None:
    """TT 124 version 2026.1, in force from 2026-01-01, with the first KDC criterion reworded."""
    national = FrameworkVersion.objects.get(framework__code="tt124", province__isnull=True)
    content = copy.deepcopy(national.content)
    content["version"] = "2026.1"
    content["effective_from"] = "2026-01-01"
    content["criteria_sets"]["khu_dan_cu"]["criteria"][0]["text_vi"] = "Nội dung tiêu chí đã sửa đổi."
    FrameworkVersion.objects.create(
        framework=national.framework,
        label="2026.1",
        content=content,
        content_hash="x" * 64,
        effective_from=dt.date(2026, 1, 1),
    )


def test_a_later_framework_version_does_not_rewrite_an_earlier_checklist(tree: Tree, plan: PlanFn) -> None:
    before = plan(tree.unit)
    _later_version()
    after = plan(tree.unit, inspected_on=dt.date(2026, 3, 1))
    assert after.framework_version == "2026.1"
    assert after.checks.get(criterion_id="TT124.KDC.1").label == "Nội dung tiêu chí đã sửa đổi."
    assert before.checks.get(criterion_id="TT124.KDC.1").label.startswith("Quý I")


def test_results_are_saved_and_audited_during_the_inspection(
    tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = start(plan(tree.unit), commune_police)
    first, second = list(inspection.checks.all())[:2]
    saved = services.checklist_save(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        inspection=inspection,
        results={
            first.pk: (CheckResult.MET, ""),
            second.pk: (CheckResult.NOT_MET, "Thiếu nghị quyết chi bộ"),
        },
        expected_version=inspection.version,
    )
    assert saved.version == inspection.version + 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.result, second.result, second.note) == ("met", "not_met", "Thiếu nghị quyết chi bộ")
    event = AuditEvent.objects.filter(object_type="inspections.inspection").latest("id")
    assert event.changes[second.criterion_id] == [
        {"result": "not_checked", "note": ""},
        {"result": "not_met", "note": "Thiếu nghị quyết chi bộ"},
    ]


def test_a_criterion_not_met_needs_a_note_naming_it(tree: Tree, plan: PlanFn, commune_police: User) -> None:
    inspection = start(plan(tree.unit), commune_police)
    check = inspection.checks.first()
    assert check is not None
    with pytest.raises(ValidationError) as caught:
        services.checklist_save(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            inspection=inspection,
            results={check.pk: (CheckResult.NOT_MET, " ")},
            expected_version=inspection.version,
        )
    assert "TT124.KDC.1" in caught.value.message_dict[f"note_{check.pk}"][0]
    check.refresh_from_db()
    assert check.result == CheckResult.NOT_CHECKED


def test_results_only_while_in_progress_and_not_from_a_stale_page(
    tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    planned = plan(tree.unit)
    check = planned.checks.first()
    assert check is not None
    scope = Scope.for_user(commune_police)
    with pytest.raises(DomainError, match="đang tiến hành"):
        services.checklist_save(
            by=commune_police,
            scope=scope,
            inspection=planned,
            results={check.pk: (CheckResult.MET, "")},
            expected_version=planned.version,
        )
    running = start(planned, commune_police)
    with pytest.raises(ConcurrentEditError):
        services.checklist_save(
            by=commune_police,
            scope=scope,
            inspection=running,
            results={check.pk: (CheckResult.MET, "")},
            expected_version=planned.version,
        )


def _move(inspection: Inspection, by: User, day: dt.date) -> Inspection:
    return services.inspection_update(
        by=by,
        scope=Scope.for_user(by),
        inspection=inspection,
        data=data(inspected_on=day),
        expected_version=inspection.version,
    )


def test_moving_the_date_into_another_version_rebuilds_an_empty_checklist(
    tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = plan(tree.unit)
    _later_version()
    same = _move(inspection, commune_police, dt.date(2025, 12, 30))  # still 2021.1: kept as is
    assert same.framework_version == "2021.1"
    assert same.checks.get(criterion_id="TT124.KDC.1").label.startswith("Quý I")
    moved = _move(same, commune_police, dt.date(2026, 2, 1))
    assert (moved.framework_version, moved.version) == ("2026.1", same.version + 1)
    fresh = Inspection.objects.get(pk=inspection.pk)
    assert fresh.framework_version == "2026.1"
    assert fresh.checks.get(criterion_id="TT124.KDC.1").label == "Nội dung tiêu chí đã sửa đổi."
    assert list(fresh.checks.values_list("order", flat=True)) == list(range(1, fresh.checks.count() + 1))
    event = AuditEvent.objects.filter(object_type="inspections.inspection").order_by("id").last()
    assert event is not None
    assert event.changes["framework_version"] == ["2021.1", "2026.1"]
    assert event.changes["inspected_on"] == ["2025-12-30", "2026-02-01"]


def test_moving_the_date_into_another_version_is_refused_once_results_are_recorded(
    tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = start(plan(tree.unit), commune_police)
    check = inspection.checks.get(criterion_id="TT124.KDC.1")
    inspection = services.checklist_save(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        inspection=inspection,
        results={check.pk: (CheckResult.MET, "")},
        expected_version=inspection.version,
    )
    _later_version()
    with pytest.raises(ValidationError) as caught:
        _move(inspection, commune_police, dt.date(2026, 2, 1))
    message = caught.value.message_dict["inspected_on"][0]
    assert "2026.1" in message and "2021.1" in message and "đã có kết quả" in message
    fresh = Inspection.objects.get(pk=inspection.pk)
    assert (fresh.inspected_on, fresh.framework_version, fresh.version) == (
        dt.date(2025, 5, 2),
        "2021.1",
        inspection.version,
    )
    assert fresh.checks.get(criterion_id="TT124.KDC.1").result == CheckResult.MET
