"""The catalogue of what a target can measure (`data/metrics.yaml`), read once and validated.

Plans only name a metric; `antq.dashboards.figures` computes it. Keeping the catalogue here lets a
plan be checked without importing the dashboards (which import plans for the targets).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from antq.plans.choices import Comparison, TargetMeasure

CATALOGUE = Path(__file__).resolve().parent / "data" / "metrics.yaml"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    measure: str  # TargetMeasure
    numerator: str
    denominator: str  # "" for a count
    default_comparison: str  # Comparison


@cache
def metrics() -> dict[str, Metric]:
    """Every metric by key, in the file's order; a malformed file fails loudly at first use."""
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    out: dict[str, Metric] = {}
    for key, row in data["metrics"].items():
        metric = Metric(
            key=key,
            label=row["label"],
            measure=row["measure"],
            numerator=row["numerator"],
            denominator=row.get("denominator", ""),
            default_comparison=row.get("default_comparison", Comparison.AT_LEAST),
        )
        if metric.measure not in TargetMeasure.values:
            raise ValueError(f"{CATALOGUE}: {key}: unknown measure {metric.measure!r}")
        if metric.default_comparison not in Comparison.values:
            raise ValueError(f"{CATALOGUE}: {key}: unknown comparison {metric.default_comparison!r}")
        if (metric.measure == TargetMeasure.PERCENT) != bool(metric.denominator):
            raise ValueError(f"{CATALOGUE}: {key}: a percent needs a denominator, a count none")
        out[key] = metric
    return out


def metric_choices() -> list[tuple[str, str]]:
    return [(m.key, m.label) for m in metrics().values()]
