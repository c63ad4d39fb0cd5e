"""Fixtures of the inspections app: the frameworks loaded, and helpers that plan an inspection and
move it on through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from antq.accounts.scope import Scope
from antq.criteria import loader
from antq.inspections import services
from antq.inspections.choices import InspectionStatus
from antq.inspections.models import Finding, Inspection
from antq.org.models import OrgNode

DAY = dt.date(2025, 5, 2)
TEAM = [
    {"name": "Nguyễn Văn An", "position": "Phó Trưởng Công an xã"},
    {"name": "Lê Thị Bình", "position": "Cán bộ"},
]


@pytest.fixture
def frameworks(db: None) -> None:
    loader.apply(loader.read_files())


def data(**overrides: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "inspected_on": DAY,
        "basis": "Kế hoạch số 12/KH-CAX ngày 02/01/2025",
        "team": TEAM,
    }
    out.update(overrides)
    return out


PlanFn = Callable[..., Inspection]


@pytest.fixture
def plan(frameworks: None, commune_police: User) -> PlanFn:
    """Plan an inspection of `node` as the commune police (or `by`), with `data()` overridden."""

    def _plan(node: OrgNode, *, by: User | None = None, **overrides: Any) -> Inspection:
        actor = by or commune_police
        return services.inspection_create(
            by=actor, scope=Scope.for_user(actor), node=node, data=data(**overrides)
        )

    return _plan


def start(inspection: Inspection, by: User) -> Inspection:
    return services.inspection_transition(
        by=by,
        scope=Scope.for_user(by),
        inspection=inspection,
        to=InspectionStatus.IN_PROGRESS,
        expected_version=inspection.version,
    )


def conclude(inspection: Inspection, by: User) -> Inspection:
    return services.inspection_transition(
        by=by,
        scope=Scope.for_user(by),
        inspection=inspection,
        to=InspectionStatus.CONCLUDED,
        expected_version=inspection.version,
        conclusion="Đơn vị thực hiện tốt; còn tồn tại về hồ sơ.",
    )


def add_finding(inspection: Inspection, by: User, **overrides: Any) -> Finding:
    values: dict[str, Any] = {
        "description": "Chưa lập sổ theo dõi tổ tự quản",
        "owner": "Trưởng khu dân cư",
        "due_on": dt.date(2025, 6, 30),
        "criterion_id": "",
    }
    values.update(overrides)
    return services.finding_add(by=by, scope=Scope.for_user(by), inspection=inspection, data=values)
