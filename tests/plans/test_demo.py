"""The demo plans: a province plan issued, communes cascaded (one late), a unit plan."""

from __future__ import annotations

import pytest
from django.utils import timezone

from antq.plans import demo, selectors
from antq.plans.choices import PlanStatus
from antq.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_seed_builds_the_cascade_with_one_late_commune(tree, admin):
    year = timezone.localdate().year
    demo.seed(
        tree.province, [tree.commune, tree.sibling_commune], [tree.unit, tree.sibling_unit], year, admin
    )
    province = Plan.objects.get(node=tree.province)
    assert province.status == PlanStatus.ISSUED
    communes = Plan.objects.filter(parent=province).order_by("node__path")
    assert [p.status for p in communes] == [PlanStatus.ISSUED, PlanStatus.ISSUED]
    late = [p for p in communes if any(r.warning for r in selectors.task_rows(p))]
    assert [p.node for p in late] == [tree.sibling_commune]
    unit_plan = Plan.objects.get(node=tree.unit)
    assert unit_plan.parent.node == tree.commune
    assert unit_plan.status == PlanStatus.DRAFT
    rolled = selectors.rollup(province)
    assert sum(r.done for r in rolled.values()) == 3
