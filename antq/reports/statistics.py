"""The statistics rows of a report: which rows exist, their labels, and how they are filled.

A row is a metric of `plans/data/metrics.yaml` (a share or a count) or `units_<kind>`, the number
of communes / units of a kind in the population (read from the `registered` figure's
denominators, so it costs no query). A report stores `{key: [numerator, denominator or None]}`:
from `dashboards.figures` for its own subtree, or the sum of its children's received reports
(numerators and denominators added, so a share stays exact).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from antq.dashboards.figures import ASSESSED_KINDS, node_figures
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.plans.metrics import metrics

Statistics = dict[str, list[int | None]]
UNIT_ROW_PREFIX = "units_"
UNIT_ROWS = tuple(f"{UNIT_ROW_PREFIX}{kind}" for kind in ASSESSED_KINDS)
ROW_KEYS: tuple[str, ...] = (*UNIT_ROWS, *metrics())
# Levels whose report adds up their children's reports instead of counting the records.
SUMMING_KINDS = frozenset({NodeKind.NATION, NodeKind.PROVINCE})


def _unit_row_labels() -> dict[str, str]:
    return {
        f"{UNIT_ROW_PREFIX}{NodeKind.COMMUNE}": _("Số xã, phường, đặc khu"),
        f"{UNIT_ROW_PREFIX}{NodeKind.RESIDENTIAL_AREA}": _("Số khu dân cư"),
        f"{UNIT_ROW_PREFIX}{NodeKind.AGENCY}": _("Số cơ quan"),
        f"{UNIT_ROW_PREFIX}{NodeKind.ENTERPRISE}": _("Số doanh nghiệp"),
        f"{UNIT_ROW_PREFIX}{NodeKind.SCHOOL}": _("Số cơ sở giáo dục"),
    }


def row_label(key: str) -> str:
    if key.startswith(UNIT_ROW_PREFIX):
        return _unit_row_labels().get(key, key)
    metric = metrics().get(key)
    return metric.label if metric is not None else key


def row_choices() -> list[tuple[str, str]]:
    return [(key, row_label(key)) for key in ROW_KEYS]


def own_statistics(node: OrgNode, year: int, keys: Sequence[str]) -> Statistics:
    """The rows of `node`'s whole subtree for `year`, from the dashboards' figures."""
    figures = node_figures(node, year)
    out: Statistics = {}
    for key in keys:
        if key.startswith(UNIT_ROW_PREFIX):
            _num, population = figures["registered"].part(key[len(UNIT_ROW_PREFIX) :])
            out[key] = [int(population or 0), None]
        elif key in figures:
            figure = figures[key]
            out[key] = [figure.numerator, figure.denominator]
    return out


def sum_statistics(reports: Iterable[Mapping[str, Any]], keys: Sequence[str]) -> Statistics:
    """Rows added up over `reports` (their statistics dicts); a row none of them has is zero."""
    out: Statistics = {}
    for key in keys:
        share = not key.startswith(UNIT_ROW_PREFIX) and _is_share(key)
        out[key] = [0, 0 if share else None]
    for stats in reports:
        for key in keys:
            value = stats.get(key)
            if not value:
                continue
            total = out[key]
            total[0] = int(total[0] or 0) + int(value[0] or 0)
            if total[1] is not None:
                total[1] = int(total[1]) + int(value[1] or 0)
    return out


def _is_share(key: str) -> bool:
    metric = metrics().get(key)
    return metric is not None and bool(metric.denominator)


@dataclass(frozen=True)
class Row:
    """One printed line of a statistics table."""

    key: str
    label: str
    numerator: int
    denominator: int | None

    @property
    def share(self) -> Fraction | None:
        if not self.denominator:
            return None
        return Fraction(self.numerator, self.denominator)

    @property
    def text(self) -> str:
        """ "12" for a count, "9/12 (75,0%)" for a share (a share without population: "0/0")."""
        if self.denominator is None:
            return f"{self.numerator:,}".replace(",", ".")
        share = self.share
        if share is None:
            return f"{self.numerator}/{self.denominator}"
        percent = f"{float(share) * 100:.1f}".replace(".", ",")
        return f"{self.numerator}/{self.denominator} ({percent}%)"


def rows(stats: Mapping[str, Any], keys: Sequence[str]) -> list[Row]:
    """The table of a report in its definition's order (a missing row prints as zero)."""
    out = []
    for key in keys:
        value = stats.get(key) or [0, 0 if _is_share(key) else None]
        out.append(
            Row(
                key=key,
                label=row_label(key),
                numerator=int(value[0] or 0),
                denominator=None if value[1] is None else int(value[1]),
            )
        )
    return out
