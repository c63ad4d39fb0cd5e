"""The statistics rows of a report: which rows exist, their labels, and how they are filled.

A row is a metric of `plans/data/metrics.yaml` (a share or a count) or `units_<kind>`, the number
of communes / units of a kind in the population (read from the `registered` figure's
denominators, so it costs no query). A report stores `{key: [numerator, denominator or None]}`.

Who fills what: a node some of whose children write the report (per the definition's levels: a
commune whose units report, a province whose communes and province-managed units report, the
nation whose provinces report) adds up its children's received reports, numerators and
denominators apart so a share stays exact, plus the figures of whatever in its subtree has no
writer of its own (the node's own records, children that do not write this report). A node whose
children do not report takes `dashboards.figures` for its own subtree.

The rows (keys and labels) are snapshotted on the report, so a definition changed later never
changes a report already sent; a row a child's report lacks prints "—" and makes the sum
incomplete (the children lacking it are named), never a silent zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from antq.core.numbers import count_text, percent_text
from antq.dashboards.figures import ASSESSED_KINDS, Figure, node_figures
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.plans.metrics import metrics

Statistics = dict[str, list[int | None]]
UNIT_ROW_PREFIX = "units_"
UNIT_ROWS = tuple(f"{UNIT_ROW_PREFIX}{kind}" for kind in ASSESSED_KINDS)
ROW_KEYS: tuple[str, ...] = (*UNIT_ROWS, *metrics())
MISSING = "—"


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


def row_snapshot(keys: Sequence[str]) -> list[list[str]]:
    """[[key, label], …] as the report stores them (the labels of the day it was written)."""
    return [[key, str(row_label(key))] for key in keys]


def is_share(key: str) -> bool:
    if key.startswith(UNIT_ROW_PREFIX):
        return False
    metric = metrics().get(key)
    return metric is not None and bool(metric.denominator)


def figure_statistics(figures: Mapping[str, Figure], keys: Sequence[str]) -> Statistics:
    """The rows of a subtree from its figures (`dashboards.figures`)."""
    out: Statistics = {}
    for key in keys:
        if key.startswith(UNIT_ROW_PREFIX):
            _num, population = figures["registered"].part(key[len(UNIT_ROW_PREFIX) :])
            out[key] = [int(population or 0), None]
        elif key in figures:
            figure = figures[key]
            out[key] = [figure.numerator, figure.denominator]
    return out


def own_statistics(node: OrgNode, year: int, keys: Sequence[str]) -> Statistics:
    """The rows of `node`'s whole subtree for `year` (five queries)."""
    return figure_statistics(node_figures(node, year), keys)


def subtract(total: Mapping[str, Any], parts: Iterable[Mapping[str, Any]]) -> Statistics:
    """`total` less each of `parts`, row by row: what of a subtree no reporting child covers."""
    out: Statistics = {key: list(value) for key, value in total.items()}
    for part in parts:
        for key, value in part.items():
            if key not in out or not value:
                continue
            rest = out[key]
            rest[0] = int(rest[0] or 0) - int(value[0] or 0)
            if rest[1] is not None:
                rest[1] = int(rest[1] or 0) - int(value[1] or 0)
    return out


def sum_statistics(
    reports: Iterable[tuple[str, Mapping[str, Any]]],
    keys: Sequence[str],
    base: Mapping[str, Any] | None = None,
) -> tuple[Statistics, dict[str, list[str]]]:
    """Rows added up over `reports` ((name, statistics) pairs), starting from `base` (zero when
    none). Returns the sums and, for each row some report lacks, the names of those reports: that
    row's sum is incomplete and says so."""
    out: Statistics = {}
    for key in keys:
        start = (base or {}).get(key)
        if start:
            out[key] = [int(start[0] or 0), None if start[1] is None else int(start[1])]
        else:
            out[key] = [0, 0 if is_share(key) else None]
    lacking: dict[str, list[str]] = {}
    for name, stats in reports:
        for key in keys:
            value = stats.get(key)
            if not value:
                lacking.setdefault(key, []).append(name)
                continue
            total = out[key]
            total[0] = int(total[0] or 0) + int(value[0] or 0)
            if total[1] is not None:
                total[1] = int(total[1]) + int(value[1] or 0)
    return out, lacking


@dataclass(frozen=True)
class Row:
    """One printed line of a statistics table; `numerator` None: the report has no such row."""

    key: str
    label: str
    numerator: int | None
    denominator: int | None
    lacking: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """ "1.250" for a count, "9/12 (75,0%)" for a share, "—" for a row the report lacks."""
        if self.numerator is None:
            return MISSING
        if self.denominator is None:
            return count_text(self.numerator)
        fraction = f"{count_text(self.numerator)}/{count_text(self.denominator)}"
        if not self.denominator:
            return fraction
        return f"{fraction} ({percent_text(self.numerator, self.denominator)})"

    @property
    def note(self) -> str:
        """Why the figure is incomplete, or ""."""
        if not self.lacking:
            return ""
        return _("Chưa đủ: thiếu số liệu của %(names)s") % {"names": ", ".join(self.lacking)}


def rows(
    stats: Mapping[str, Any],
    row_keys: Sequence[Sequence[str]] | Sequence[str],
    lacking: Mapping[str, Sequence[str]] | None = None,
) -> list[Row]:
    """The table of a report in its snapshotted order: `row_keys` is [[key, label], …] (or bare
    keys, or a blank label: labelled now). A row missing from `stats` prints "—"."""
    out = []
    for item in row_keys:
        key, label = (item, "") if isinstance(item, str) else (item[0], item[1])
        label = label or row_label(key)
        value = stats.get(key)
        out.append(
            Row(
                key=key,
                label=str(label),
                numerator=None if not value else int(value[0] or 0),
                denominator=None if not value or value[1] is None else int(value[1]),
                lacking=tuple((lacking or {}).get(key, ())),
            )
        )
    return out
