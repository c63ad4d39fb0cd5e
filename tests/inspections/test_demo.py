"""The demo seed writes through the services: a target, inspections in every state, findings."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from antq.inspections import demo, selectors
from antq.inspections.choices import InspectionStatus
from antq.inspections.models import Inspection
from tests.conftest import Tree


def test_the_demo_seed_fills_every_state_and_is_not_repeated(
    tree: Tree, frameworks: None, province_officer: User
) -> None:
    units = [tree.unit, tree.school, tree.sibling_unit]
    demo.seed(tree.province, [tree.commune, tree.sibling_commune], units, 2025, province_officer)
    statuses = sorted(Inspection.objects.values_list("status", flat=True))
    assert set(statuses) == {s.value for s in InspectionStatus}
    progress = selectors.target_progress(province=tree.province, year=2025, today=dt.date(2026, 11, 25))
    assert progress.target is not None and progress.done == 3
    assert sum(r.overdue_findings for r in progress.rows) >= 1
    count = Inspection.objects.count()
    demo.seed(tree.province, [tree.commune, tree.sibling_commune], units, 2025, province_officer)
    assert Inspection.objects.count() == count
