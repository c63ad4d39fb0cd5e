"""Access-matrix expectations of the inspections app's routes (see tests/test_access_matrix.py).

Object routes build an inspection (or a finding of one) on the case's node (`where`): visibility is
that node's, and the kind limits of `inspect` (commune police: units; province: communes and units)
are checked on units and on communes. Targets are built on a province.

Reading routes build inspections led by the province (what anyone who sees the node reads); write
routes build them led by the lowest level that may inspect the node (the commune for a unit, the
province for a commune), so that the commune police act on their own inspections. That a lower level
never acts on an inspection led higher up is tested in test_views.py and test_api.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from antq.inspections.choices import InspectionStatus
from antq.inspections.models import Finding, Inspection, InspectionMember, InspectionTarget
from antq.org.choices import NodeKind
from tests.matrix import Route

WHERE = ("unit", "sibling_unit", "other_unit", "commune", "sibling_commune")
PROVINCES = ("province", "other_province")


def _make(personas: dict[str, Any], tree: Any, where: str, status: str, *, led_by: str) -> Inspection:
    """An inspection created directly (a fixture, not a use case) of the case's node, led by the
    province (`led_by="province"`) or by the lowest level that may inspect the node ("lowest")."""
    node = getattr(tree, where)
    commune = node if node.kind == NodeKind.COMMUNE else node.parent
    inspector = commune if led_by == "lowest" and node.kind != NodeKind.COMMUNE else commune.parent
    inspection = Inspection.objects.create(
        node=node,
        commune=commune,
        inspector_node=inspector,
        inspected_on=dt.date(2025, 5, 2),
        basis="Kế hoạch số 12/KH-CAT",
        status=status,
        framework_version="2021.1",
        created_by=personas["admin"],
    )
    InspectionMember.objects.create(
        inspection=inspection, order=1, name="Nguyễn Văn An", position="Trưởng đoàn"
    )
    return inspection


def _inspection(personas: dict[str, Any], tree: Any, where: str, led_by: str = "province") -> dict[str, int]:
    return {"pk": _make(personas, tree, where, InspectionStatus.PLANNED, led_by=led_by).pk}


def _own_inspection(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return _inspection(personas, tree, where, led_by="lowest")


def _finding(personas: dict[str, Any], tree: Any, where: str, led_by: str = "province") -> dict[str, int]:
    inspection = _make(personas, tree, where, InspectionStatus.CONCLUDED, led_by=led_by)
    finding = Finding.objects.create(
        inspection=inspection,
        description="Chưa lập sổ theo dõi tổ tự quản",
        owner="Trưởng thôn",
        due_on=dt.date(2025, 6, 30),
        created_by=personas["admin"],
    )
    return {"pk": finding.pk}


def _own_finding(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return _finding(personas, tree, where, led_by="lowest")


def _target(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    province = getattr(tree, where)
    InspectionTarget.objects.create(province=province, year=2025, count=4, basis="Kế hoạch số 5/KH-CAT")
    return {"pk": province.pk, "year": 2025}


START = {"to": InspectionStatus.IN_PROGRESS.value, "version": 1}
FOLLOW_UP = {"note": "Đơn vị đã lập sổ, đang cập nhật"}
CLOSE = {"note": "Đã lập sổ theo dõi", "version": 1}
TARGET = {"count": 6, "basis": "Kế hoạch số 5/KH-CAT (sửa đổi)", "version": 1}

ROUTES: dict[str, Route] = {
    "inspections:list": Route("view"),
    "inspections:create": Route("inspect"),
    "inspections:detail": Route("view", target=_inspection, where=WHERE),
    "inspections:edit": Route("inspect", target=_own_inspection, where=WHERE),
    "inspections:checklist": Route("inspect", target=_own_inspection, where=WHERE),
    "inspections:transition": Route(
        "inspect", target=_own_inspection, where=WHERE, method="post", data=START, ok=(302,)
    ),
    "inspections:finding_create": Route("inspect", target=_own_inspection, where=WHERE),
    "inspections:finding_follow_up": Route(
        "inspect", target=_own_finding, where=WHERE, method="post", data=FOLLOW_UP, ok=(302,)
    ),
    "inspections:finding_close": Route(
        "inspect", target=_own_finding, where=WHERE, method="post", data=CLOSE, ok=(302,)
    ),
    "inspections:target": Route("view", target=_target, where=PROVINCES),
    "inspections:target_set": Route(
        "plan_manage", target=_target, where=PROVINCES, method="post", data=TARGET, ok=(302,)
    ),
    "api:inspection-list": Route("view", api=True),
    "api:inspection-detail": Route("view", target=_inspection, where=WHERE, api=True),
    "api:inspection-finding-list": Route("view", api=True),
    "api:inspection-finding-detail": Route("view", target=_finding, where=WHERE, api=True),
    "api:inspection-finding-follow-up": Route(
        "inspect", target=_own_finding, where=WHERE, method="post", data=FOLLOW_UP, ok=(201,), api=True
    ),
    "api:inspection-finding-close": Route(
        "inspect", target=_own_finding, where=WHERE, method="post", data=CLOSE, api=True
    ),
}
