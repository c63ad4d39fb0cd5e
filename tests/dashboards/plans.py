"""Plans with metric targets, created directly (fixtures, not use cases)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User

from antq.org.models import OrgNode
from antq.plans.choices import Comparison, PlanStatus, TargetMeasure
from antq.plans.models import Plan, PlanTarget


def plan_with(
    node: OrgNode,
    year: int,
    by: User,
    targets: list[tuple[str, str, list[str], str]],
    *,
    status: str = PlanStatus.ISSUED,
    number: str = "1",
) -> Plan:
    """`targets`: (metric, value, unit types, comparison)."""
    issued = status != PlanStatus.DRAFT
    plan = Plan.objects.create(
        node=node,
        year=year,
        title="Kế hoạch thực hiện phong trào",
        issuer_name=node.name,
        status=status,
        number=number if issued else "",
        issued_on=dt.date(year, 1, 15) if issued else None,
        created_by=by,
    )
    for order, (metric, value, unit_types, comparison) in enumerate(targets, start=1):
        measure = (
            TargetMeasure.COUNT
            if metric in {"training_classes", "inspections", "new_initiatives"}
            else TargetMeasure.PERCENT
        )
        PlanTarget.objects.create(
            plan=plan,
            order=order,
            label=metric,
            measure=measure,
            value=Decimal(value),
            of_what="đơn vị",
            unit_types=unit_types,
            metric=metric,
            comparison=comparison or Comparison.AT_LEAST,
        )
    return plan
