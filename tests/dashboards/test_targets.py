"""Target resolution (nearest issued plan wins per metric and unit type; drafts and cancelled plans
never count) and status with exact fractions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from antq.dashboards.figures import Figure
from antq.dashboards.targets import Target, TargetStatus, status, targets_for
from antq.plans.choices import Comparison, PlanStatus
from tests.dashboards.plans import plan_with

YEAR = 2026


def test_nearest_issued_plan_wins_per_metric_and_unit_type(tree, admin, django_assert_num_queries):
    plan_with(
        tree.province,
        YEAR,
        admin,
        [
            ("registered", "100", ["KDC", "XA"], Comparison.AT_LEAST),
            ("registered", "70", ["DN"], Comparison.AT_LEAST),
            ("inspections", "10", [], Comparison.AT_LEAST),
        ],
    )
    plan_with(tree.commune, YEAR, admin, [("registered", "90", ["KDC"], Comparison.ABOVE)])
    # Ignored: a draft and a cancelled plan of the commune, a plan of another year, a sibling's plan.
    plan_with(tree.commune, YEAR, admin, [("inspections", "1", [], "")], status=PlanStatus.DRAFT)
    plan_with(
        tree.commune, YEAR, admin, [("inspections", "2", [], "")], status=PlanStatus.CANCELLED, number="9"
    )
    plan_with(tree.commune, YEAR - 1, admin, [("registered", "10", ["DN"], "")], number="3")
    plan_with(tree.sibling_commune, YEAR, admin, [("registered", "5", ["XA"], "")], number="4")
    with django_assert_num_queries(1):
        found = targets_for(tree.unit, YEAR)
    assert {key: (t.value, t.comparison, t.plan_node_name) for key, t in found.items()} == {
        ("registered", "KDC"): (Decimal("90"), Comparison.ABOVE, tree.commune.name),
        ("registered", "XA"): (Decimal("100"), Comparison.AT_LEAST, tree.province.name),
        ("registered", "DN"): (Decimal("70"), Comparison.AT_LEAST, tree.province.name),
        ("inspections", ""): (Decimal("10"), Comparison.AT_LEAST, tree.province.name),
    }
    # The province itself does not see its commune's override.
    assert targets_for(tree.province, YEAR)[("registered", "KDC")].value == Decimal("100")
    assert targets_for(tree.other_province, YEAR) == {}


def _target(value: str, comparison: str, unit_type: str = "") -> Target:
    return Target(
        metric="registered",
        unit_type=unit_type,
        value=Decimal(value),
        comparison=comparison,
        measure="percent",
        label="",
        display_value="",
        plan_id=1,
        plan_code="1/KH",
        plan_node_name="",
        plan_node_path="",
    )


@pytest.mark.parametrize(
    ("num", "den", "value", "comparison", "expected"),
    [
        (7, 10, "70", Comparison.AT_LEAST, TargetStatus.MET),
        (7, 10, "70", Comparison.ABOVE, TargetStatus.NOT_MET),
        (2, 3, "66.67", Comparison.AT_LEAST, TargetStatus.NOT_MET),  # 66.666…% < 66.67%
        (2, 3, "66.66", Comparison.ABOVE, TargetStatus.MET),
        (0, 0, "100", Comparison.AT_LEAST, TargetStatus.NO_DATA),
    ],
)
def test_status_compares_exact_fractions(num, den, value, comparison, expected):
    figure = Figure("registered", num, den, {"enterprise": (num, den)})
    assert status(figure, _target(value, comparison)) == expected
    assert status(figure, _target(value, comparison, "DN")) == expected
    assert status(figure, None) == TargetStatus.NO_TARGET


def test_status_of_a_count():
    figure = Figure("inspections", 10, None, {})
    assert status(figure, _target("10", Comparison.AT_LEAST)) == TargetStatus.MET
    assert status(figure, _target("10", Comparison.ABOVE)) == TargetStatus.NOT_MET
