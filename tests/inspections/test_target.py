"""A province's target of inspections and what counts against it: the inspections the province
conducted; the communes' own are shown apart (one grouped query over the communes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.core.errors import ConcurrentEditError
from antq.inspections import selectors, services
from antq.inspections.models import InspectionTarget
from antq.org.models import OrgNode
from tests import factories as f
from tests.conftest import Tree
from tests.inspections.conftest import PlanFn, add_finding, conclude, start

TODAY = dt.date(2025, 12, 1)


def _set(by: User, province: Any, count: int, version: int | None = None) -> InspectionTarget:
    return services.target_set(
        by=by,
        scope=Scope.for_user(by),
        province=province,
        year=2025,
        count=count,
        basis="Kế hoạch số 5/KH-CAT",
        expected_version=version,
    )


def test_the_province_officer_sets_then_changes_the_target_audited(
    tree: Tree, province_officer: User
) -> None:
    target = _set(province_officer, tree.province, 10)
    changed = _set(province_officer, tree.province, 12, version=target.version)
    assert (changed.count, changed.version) == (12, 2)
    events = AuditEvent.objects.filter(object_type="inspections.inspectiontarget").order_by("id")
    assert [e.changes["count"] for e in events] == [[None, 10], [10, 12]]
    with pytest.raises(ConcurrentEditError, match="12 cuộc"):
        _set(province_officer, tree.province, 15, version=1)


def test_only_a_plan_manager_of_the_province_sets_its_target(
    tree: Tree, province_leader: User, commune_police: User, province_officer: User
) -> None:
    with pytest.raises(PermissionDenied):
        _set(province_leader, tree.province, 3)
    with pytest.raises(PermissionDenied):
        _set(commune_police, tree.province, 3)
    with pytest.raises(PermissionDenied):
        _set(province_officer, tree.other_province, 3)
    with pytest.raises(ValidationError) as caught:
        services.target_set(
            by=province_officer,
            scope=Scope.for_user(province_officer),
            province=tree.province,
            year=2025,
            count=-1,
            basis=" ",
            expected_version=None,
        )
    assert set(caught.value.message_dict) == {"count", "basis"}


def test_the_target_counts_only_what_the_province_conducted_and_shows_the_communes_own_apart(
    tree: Tree,
    plan: PlanFn,
    commune_police: User,
    province_officer: User,
    django_assert_num_queries: Any,
) -> None:
    _set(province_officer, tree.province, 4)
    # Phường Quy Nhơn: by the commune police, the unit (concluded, two open findings, one overdue) and
    # the school (closed); by the province, the commune itself (in progress) and the school
    # (concluded); last year's inspection never counts.
    unit = start(plan(tree.unit), commune_police)
    add_finding(unit, commune_police, due_on=dt.date(2025, 6, 1))
    add_finding(unit, commune_police, due_on=dt.date(2026, 1, 31))
    conclude(unit, commune_police)
    school = conclude(start(plan(tree.school), commune_police), commune_police)
    services.inspection_transition(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        inspection=school,
        to="closed",
        expected_version=school.version,
    )
    start(plan(tree.commune, by=province_officer), province_officer)
    conclude(start(plan(tree.school, by=province_officer), province_officer), province_officer)
    conclude(start(plan(tree.unit, inspected_on=dt.date(2024, 12, 20)), commune_police), commune_police)
    # Xã Tây Sơn: one concluded by the province; Quảng Trị's inspections never count for Gia Lai.
    conclude(start(plan(tree.sibling_unit, by=province_officer), province_officer), province_officer)
    admin = f.user_with_role("qt", "system_admin", tree.nation)
    conclude(start(plan(tree.other_unit, by=admin), admin), admin)

    with django_assert_num_queries(2):
        progress = selectors.target_progress(province=tree.province, year=2025, today=TODAY)
    assert progress.target is not None and progress.target.count == 4
    # The commune police's own two concluded inspections are not the province's.
    assert (progress.done, progress.remaining, progress.percent) == (2, 2, 50)
    rows = {r.commune.name: r for r in progress.rows}
    assert set(rows) == {"Phường Quy Nhơn", "Xã Tây Sơn"}
    quy_nhon = rows["Phường Quy Nhơn"]
    assert (quy_nhon.done, quy_nhon.running, quy_nhon.own_done, quy_nhon.own_running) == (1, 1, 2, 0)
    assert (quy_nhon.open_findings, quy_nhon.overdue_findings) == (2, 1)
    tay_son = rows["Xã Tây Sơn"]
    assert (tay_son.done, tay_son.running, tay_son.own_done, tay_son.open_findings) == (1, 0, 0, 0)


def test_an_administrator_inspecting_counts_for_the_province(
    tree: Tree, plan: PlanFn, admin: User, commune_police: User
) -> None:
    conclude(start(plan(tree.sibling_unit, by=admin), admin), admin)
    start(plan(tree.unit), commune_police)
    progress = selectors.target_progress(province=tree.province, year=2025, today=TODAY)
    rows = {r.commune.name: r for r in progress.rows}
    assert progress.done == 1
    assert (rows["Xã Tây Sơn"].done, rows["Phường Quy Nhơn"].own_running) == (1, 1)


def test_a_merged_communes_inspections_still_count_and_it_is_listed_only_with_some(
    tree: Tree, plan: PlanFn, province_officer: User, client: Any
) -> None:
    merged = f.node("commune", "Xã Bình Định (cũ)", "X21999", tree.province)
    gone = f.node("commune", "Xã Nhơn Lý (cũ)", "X21998", tree.province)
    conclude(start(plan(merged, by=province_officer), province_officer), province_officer)
    OrgNode.objects.filter(pk__in=[merged.pk, gone.pk]).update(
        valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2025, 7, 1)
    )
    progress = selectors.target_progress(province=tree.province, year=2025, today=TODAY)
    names = [r.commune.name for r in progress.rows]
    assert progress.done == 1
    assert "Xã Bình Định (cũ)" in names and "Xã Nhơn Lý (cũ)" not in names
    assert {"Phường Quy Nhơn", "Xã Tây Sơn"} <= set(names)
    # A year without inspections there: the merged commune is not listed.
    earlier = selectors.target_progress(province=tree.province, year=2024, today=TODAY)
    assert "Xã Bình Định (cũ)" not in [r.commune.name for r in earlier.rows]
    client.force_login(province_officer)
    page = client.get(reverse("inspections:target", args=[tree.province.pk, 2025])).content.decode()
    assert "Xã Bình Định (cũ)" in page and "hết hiệu lực từ 01/07/2025" in page


def test_the_query_count_does_not_grow_with_communes(
    tree: Tree, plan: PlanFn, province_officer: User, commune_police: User, django_assert_num_queries: Any
) -> None:
    for i in range(8):
        commune = f.node("commune", f"Xã Mới {i}", f"X9{i:04d}", tree.province)
        conclude(start(plan(commune, by=province_officer), province_officer), province_officer)
    start(plan(tree.unit), commune_police)
    with django_assert_num_queries(2):
        progress = selectors.target_progress(province=tree.province, year=2025, today=TODAY)
    assert progress.target is None and progress.remaining is None
    assert progress.done == 8 and len(progress.rows) == 10
