"""Demo inspections for the demo province: a target, inspections in every state, findings open,
overdue and closed with their follow-up. Written through the services (audited like real use);
the TT 124 frameworks must be loaded first (the checklists are built from them).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from antq.accounts.scope import Scope
from antq.inspections import services
from antq.inspections.choices import CheckResult, InspectionStatus
from antq.inspections.models import InspectionTarget
from antq.org.models import OrgNode

TEAM = [
    {"name": "Nguyễn Văn Hùng", "position": "Phó Trưởng phòng, Trưởng đoàn"},
    {"name": "Trần Thị Mai", "position": "Cán bộ, thành viên"},
]


@transaction.atomic
def seed(province: OrgNode, communes: list[OrgNode], units: list[OrgNode], year: int, actor: User) -> None:
    """Seed the demo inspections of `year` as `actor` (who must hold `inspect` and `plan_manage` in
    the province: a province officer or the administrator). Does nothing if the year's target
    already exists (the seed is not repeated)."""
    if InspectionTarget.objects.filter(province=province, year=year).exists():
        return
    scope = Scope.for_user(actor)
    services.target_set(
        by=actor,
        scope=scope,
        province=province,
        year=year,
        count=max(len(communes) // 2, 4),
        basis=f"Kế hoạch số 15/KH-CAT ngày 10/01/{year} của Công an tỉnh về kiểm tra phong trào",
        expected_version=None,
    )
    nodes = [*communes[:2], *units[:4]]
    for index, node in enumerate(nodes):
        day = dt.date(year, 3 + index, 10)
        inspection = services.inspection_create(
            by=actor,
            scope=scope,
            node=node,
            data={
                "inspected_on": day,
                "basis": f"Quyết định số {20 + index}/QĐ-CAT thành lập đoàn kiểm tra",
                "team": TEAM,
            },
        )
        if index == len(nodes) - 1:
            continue  # the last one stays planned
        inspection = services.inspection_transition(
            by=actor, scope=scope, inspection=inspection, to=InspectionStatus.IN_PROGRESS, expected_version=1
        )
        checks = list(inspection.checks.all())
        results: dict[int, tuple[str, str]] = {c.pk: (CheckResult.MET, "") for c in checks}
        if checks:
            results[checks[-1].pk] = (CheckResult.NOT_MET, "Hồ sơ theo dõi chưa đầy đủ")
        inspection = services.checklist_save(
            by=actor, scope=scope, inspection=inspection, results=results, expected_version=inspection.version
        )
        if index == len(nodes) - 2:
            continue  # this one is still in progress
        finding = services.finding_add(
            by=actor,
            scope=scope,
            inspection=inspection,
            data={
                "description": "Hồ sơ theo dõi phong trào chưa cập nhật đầy đủ",
                "criterion_id": checks[-1].criterion_id if checks else "",
                "owner": f"Trưởng ban công tác mặt trận {node.name}",
                # Overdue for the first inspections, still running for the later ones.
                "due_on": day + dt.timedelta(days=30 if index < 2 else 400),
            },
        )
        services.finding_follow_up(
            by=actor, scope=scope, finding=finding, note="Đơn vị đã bổ sung một phần hồ sơ, hẹn hoàn thành."
        )
        inspection = services.inspection_transition(
            by=actor,
            scope=scope,
            inspection=inspection,
            to=InspectionStatus.CONCLUDED,
            expected_version=inspection.version,
            conclusion="Đơn vị triển khai phong trào nghiêm túc; còn tồn tại về hồ sơ theo dõi.",
        )
        if index == 0:
            services.finding_close(
                by=actor,
                scope=scope,
                finding=finding,
                note="Đã bổ sung đầy đủ hồ sơ theo dõi",
                expected_version=finding.version,
            )
            services.inspection_transition(
                by=actor,
                scope=scope,
                inspection=inspection,
                to=InspectionStatus.CLOSED,
                expected_version=inspection.version,
            )
