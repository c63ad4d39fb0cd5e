"""Which target applies to a node's figure, and whether the figure meets it (docs/reports.md).

For each (metric, unit type) the target of the *nearest* issued plan of the year among the node
and its ancestors wins: a commune's own issued plan overrides the province's. A target without unit
types applies to the metric as a whole (unit type ""), one with unit types to each of them apart:
"100% of residential areas, communes, agencies and schools register" is four targets.
Comparisons use exact fractions (`numbers.fraction_share` against the value), never rounded numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from antq.core.numbers import decimal_text, fraction_share
from antq.dashboards.figures import Figure
from antq.org.models import SEGMENT_WIDTH, OrgNode
from antq.plans.choices import UNIT_TYPE_OF_KIND, Comparison, PlanStatus, TargetMeasure
from antq.plans.models import PlanTarget

KIND_OF_UNIT_TYPE: dict[str, str] = {str(t): str(k) for k, t in UNIT_TYPE_OF_KIND.items()}
ALL_TYPES = ""  # the unit type of a target that applies to every unit type together


class TargetStatus(models.TextChoices):
    MET = "met", _("Đạt")
    NOT_MET = "not_met", _("Chưa đạt")
    NO_TARGET = "no_target", _("Chưa có chỉ tiêu")
    # A share over nobody (no enterprise in the commune): nothing to compare.
    NO_DATA = "no_data", _("Chưa có số liệu")


@dataclass(frozen=True)
class Target:
    """The target that applies to one (metric, unit type) of a node, and the plan it comes from."""

    metric: str
    unit_type: str  # a plans.choices.UnitType, or "" for every type together
    value: Decimal
    comparison: str  # Comparison
    measure: str  # TargetMeasure
    label: str
    display_value: str
    plan_id: int
    plan_code: str
    plan_node_name: str
    plan_node_path: str

    @property
    def kind(self) -> str:
        """The node kind the unit type names ("" for every kind)."""
        return KIND_OF_UNIT_TYPE.get(self.unit_type, "")

    @property
    def symbol(self) -> str:
        return ">" if self.comparison == Comparison.ABOVE else "≥"

    @property
    def text(self) -> str:
        """ "≥ 80%", "> 70,5%", "≥ 10" (antq.core.numbers notation)."""
        value = decimal_text(self.value.normalize())  # 80.00 → "80", 70.50 → "70,5"
        return f"{self.symbol} {value}{'%' if self.measure == TargetMeasure.PERCENT else ''}"


def _ancestor_paths(node: OrgNode) -> list[str]:
    return [node.path[:end] for end in range(SEGMENT_WIDTH, len(node.path) + 1, SEGMENT_WIDTH)]


def targets_for(node: OrgNode, year: int) -> dict[tuple[str, str], Target]:
    """(metric, unit type) → the nearest issued plan's target of the year (one query)."""
    rows = (
        PlanTarget.objects.filter(
            plan__status=PlanStatus.ISSUED,
            plan__year=year,
            plan__node__path__in=_ancestor_paths(node),
        )
        .exclude(metric="")
        .select_related("plan", "plan__node")
        # Nearest plan last, so that it overwrites; among two plans of one level, the later one.
        .order_by("plan__node__depth", "plan__issued_on", "plan_id", "order", "pk")
    )
    found: dict[tuple[str, str], Target] = {}
    for row in rows:
        for unit_type in row.unit_types or [ALL_TYPES]:
            found[(row.metric, str(unit_type))] = Target(
                metric=row.metric,
                unit_type=str(unit_type),
                value=row.value,
                comparison=row.comparison,
                measure=row.measure,
                label=row.label,
                display_value=row.display_value,
                plan_id=row.plan_id,
                plan_code=row.plan.code,
                plan_node_name=row.plan.node.name,
                plan_node_path=row.plan.node.path,
            )
    return found


def actual(figure: Figure, unit_type: str = ALL_TYPES) -> tuple[int, int | None]:
    """The (numerator, denominator) a target of `unit_type` is compared with."""
    if unit_type == ALL_TYPES:
        return figure.numerator, figure.denominator
    return figure.part(KIND_OF_UNIT_TYPE.get(unit_type, unit_type))


def status(figure: Figure, target: Target | None) -> TargetStatus:
    """Met, not met, no target, or no data (a share of an empty population)."""
    if target is None:
        return TargetStatus.NO_TARGET
    numerator, denominator = actual(figure, target.unit_type)
    value = Fraction(target.value)
    if figure.is_share:
        if not denominator:
            return TargetStatus.NO_DATA
        left, right = fraction_share(numerator, denominator), value
    else:
        left, right = Fraction(numerator), value
    met = left > right if target.comparison == Comparison.ABOVE else left >= right
    return TargetStatus.MET if met else TargetStatus.NOT_MET
