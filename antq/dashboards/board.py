"""What a dashboard page shows, built from the figures and the targets: cards, the table by unit
type, the table by child node and the years. Plain data; the views render it, the XLSX and the API
serialize it. Links are built here so that every number leads to its list."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from antq.core.numbers import count_text, decimal_text, percent_against, percent_text, share
from antq.cycles.calendar import PROVINCE_PATH_LENGTH
from antq.cycles.models import Cycle
from antq.dashboards import selectors
from antq.dashboards.figures import (
    ASSESSED_KINDS,
    Figure,
    children_of,
    node_figures,
    year_figures,
    years_and_child_figures,
)
from antq.dashboards.targets import (
    ALL_TYPES,
    KIND_OF_UNIT_TYPE,
    Target,
    TargetStatus,
    actual,
    status,
    targets_for,
)
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode
from antq.plans.choices import UNIT_TYPE_OF_KIND, Comparison, TargetMeasure, UnitType
from antq.plans.metrics import Metric, metrics

KIND_LABELS = dict(NodeKind.choices)
UNIT_TYPE_LABELS = dict(UnitType.choices)


def show(figure_pair: tuple[int, int | None], is_share: bool) -> str:
    """A number as every page prints it (antq.core.numbers): "93,5%", "—", "1.204"."""
    numerator, denominator = figure_pair
    return percent_text(numerator, denominator) if is_share else count_text(numerator)


def show_against(
    figure_pair: tuple[int, int | None], is_share: bool, target: Target, verdict: TargetStatus
) -> str:
    """The actual value beside its target, never rounded across the verdict: 79,96% against
    "≥ 80" shows "79,96%", not "80,0%" (the status compares the exact fraction)."""
    numerator, denominator = figure_pair
    if not is_share or verdict not in (TargetStatus.MET, TargetStatus.NOT_MET):
        return show(figure_pair, is_share)
    met = verdict == TargetStatus.MET
    if target.comparison != Comparison.ABOVE:
        return percent_against(numerator, denominator, target.value, met=met)
    # "> 80": the shown value must be above 80 when met and not above it when not met.
    # numbers.percent_against compares with "≥" only, so the places are chosen here, with the
    # same rounding (numbers.share).
    for places in (1, 2, 3):
        value = share(numerator, denominator, places=places)
        if value is None:
            return "—"
        if (value > target.value) == met:
            return f"{decimal_text(value)}%"
    return f"> {decimal_text(target.value)}%" if met else percent_text(numerator, denominator, places=3)


def _counts(numerator: int, denominator: int | None) -> str:
    """ "1.204/1.530" beside a share."""
    return f"{count_text(numerator)}/{count_text(denominator or 0)}"


@dataclass(frozen=True)
class CardRow:
    """One target of a card: the unit type it is for, the actual value, the target, the status."""

    unit_type: str
    label: str
    numerator: int
    denominator: int | None
    shown: str
    target: Target
    status: TargetStatus
    list_url: str

    @property
    def counts(self) -> str:
        return _counts(self.numerator, self.denominator)


@dataclass(frozen=True)
class Card:
    metric: Metric
    figure: Figure
    shown: str
    rows: list[CardRow]
    status: TargetStatus
    numerator_url: str
    denominator_url: str
    gap_url: str

    @property
    def is_share(self) -> bool:
        return self.metric.measure == TargetMeasure.PERCENT

    @property
    def shows_gap(self) -> bool:
        """ "Danh sách chưa đạt" only beside a target not met."""
        return bool(self.gap_url) and self.status == TargetStatus.NOT_MET

    @property
    def numerator_text(self) -> str:
        return count_text(self.figure.numerator)

    @property
    def denominator_text(self) -> str:
        return count_text(self.figure.denominator or 0)


@dataclass(frozen=True)
class Cell:
    shown: str
    numerator: int
    denominator: int | None
    url: str

    @property
    def counts(self) -> str:
        return _counts(self.numerator, self.denominator)


@dataclass(frozen=True)
class ChildRow:
    node: OrgNode
    url: str  # its own dashboard, or the unit's year page
    cells: list[Cell]

    @property
    def cells_html(self) -> SafeString:
        """The row's cells as the page prints them: built here rather than by the template, which
        spent more time on the hundreds of cells of a commune's units than on the rest of the page."""
        return mark_safe(  # noqa: S308 - every value is escaped  # nosec B308 B703
            "".join(
                f'<td><a href="{escape(c.url)}">{escape(c.shown)}</a></td>'
                if c.url
                else f"<td>{escape(c.shown)}</td>"
                for c in self.cells
            )
        )


@dataclass
class Board:
    node: OrgNode
    year: int
    cards: list[Card]
    kinds: list[tuple[str, str]]  # (kind, label) columns of the by-kind table
    by_kind: dict[str, list[Cell]]  # metric -> one cell per kind
    children: list[ChildRow]
    years: list[int]
    by_year: dict[str, list[Cell]]  # metric -> one cell per year
    charts: dict[str, Any] = field(default_factory=dict)

    @property
    def kind_rows(self) -> list[tuple[str, list[Cell]]]:
        return [(c.metric.label, self.by_kind[c.metric.key]) for c in self.cards]

    @property
    def year_rows(self) -> list[tuple[str, list[Cell]]]:
        return [(c.metric.label, self.by_year.get(c.metric.key, [])) for c in self.cards]


@lru_cache(maxsize=16384)
def _reverse(prefix: str, name: str, args: tuple[Any, ...] = ()) -> str:
    """`reverse`, remembered: a board links every cell (hundreds of links a page), and reversing
    is a third of the page's Python time. Keyed by the script prefix it was resolved under."""
    return reverse(name, args=args)


def _path(name: str, *args: Any) -> str:
    return _reverse(get_script_prefix(), name, args)


def list_url(node: OrgNode, year: int, which: str, *, kind: str = "", child: OrgNode | None = None) -> str:
    query: dict[str, Any] = {"year": year}
    if kind:
        query["kind"] = kind
    if child is not None:
        query["child"] = child.pk
    return f"{_path('dashboards:list', node.pk, which)}?{urlencode(query)}"


def record_url(node: OrgNode, year: int, metric: str) -> str:
    """The list behind a count (the records of the other apps), filtered to the subtree and year."""
    if metric == "training_classes":
        return _url("outreach:list", node=node.pk, kind="training", year=year)
    if metric == "inspections":
        return _url("inspections:list", node=node.pk, year=year)
    if metric == "new_initiatives":
        return _url("initiatives:list", within=node.pk, year=year)
    if metric == "initiatives_good":
        return _url("initiatives:list", within=node.pk, year=year, rated="good")
    if metric == "outreach_reach":
        return _url("outreach:list", node=node.pk, kind="propaganda", year=year)
    return ""


def _url(name: str, **query: Any) -> str:
    return f"{_path(name)}?{urlencode(query)}"


def metric_url(node: OrgNode, year: int, metric: str, *, kind: str = "", child: OrgNode | None = None) -> str:
    """Where a number of `metric` leads: its numerator's unit list, or the records behind it."""
    lists = selectors.METRIC_LISTS.get(metric)
    if lists is not None:
        return list_url(node, year, lists[0], kind=kind, child=child)
    return record_url(child or node, year, metric)


def dashboard_url(node: OrgNode, year: int) -> str:
    """A node's own dashboard; a unit's "dashboard" is its year page."""
    if node.kind in UNIT_KINDS:
        return _path("cycles:unit_year", node.pk, year)
    return f"{_path('dashboards:node', node.pk)}?{urlencode({'year': year})}"


def cards(
    node: OrgNode, year: int, figures: dict[str, Figure], targets: dict[tuple[str, str], Target]
) -> list[Card]:
    out = []
    for key, metric in metrics().items():
        figure = figures[key]
        rows = []
        for (target_metric, unit_type), target in targets.items():
            if target_metric != key:
                continue
            kind = KIND_OF_UNIT_TYPE.get(unit_type, "")
            pair = actual(figure, unit_type)
            gap = selectors.METRIC_GAPS.get(key)
            verdict = status(figure, target)
            rows.append(
                CardRow(
                    unit_type=unit_type,
                    label=str(UNIT_TYPE_LABELS.get(unit_type, "")) if unit_type != ALL_TYPES else "",
                    numerator=pair[0],
                    denominator=pair[1],
                    shown=show_against(pair, figure.is_share, target, verdict),
                    target=target,
                    status=verdict,
                    list_url=list_url(node, year, gap, kind=kind)
                    if gap
                    else metric_url(node, year, key, kind=kind),
                )
            )
        rows.sort(key=lambda r: _type_order(r.unit_type))
        lists = selectors.METRIC_LISTS.get(key)
        gap = selectors.METRIC_GAPS.get(key)
        # The card's big number is the whole figure: shown against the target of every type when
        # there is one, so that it agrees with that target's verdict.
        whole = next((r.shown for r in rows if r.unit_type == ALL_TYPES), None)
        out.append(
            Card(
                metric=metric,
                figure=figure,
                shown=whole or show((figure.numerator, figure.denominator), figure.is_share),
                rows=rows,
                status=overall([r.status for r in rows]),
                numerator_url=metric_url(node, year, key),
                denominator_url=list_url(node, year, lists[1]) if lists else "",
                gap_url=list_url(node, year, gap) if gap else "",
            )
        )
    return out


def node_cards(node: OrgNode, year: int) -> list[Card]:
    """The cards alone (the API's answer): figures, cycles and targets, seven queries."""
    cycles = cycle_provinces(node, [year])
    return cards(node, year, in_cycle(node_figures(node, year), node, year, cycles), targets_for(node, year))


# Shares of the yearly cycle's records: a province without a cycle of the year has none of them.
CYCLE_SHARES = frozenset({"registered", "recognized", "classified_good"})


def cycle_provinces(node: OrgNode, years: list[int]) -> set[tuple[int, str]]:
    """(year, province path) of the cycles of `years` of the node's province, or of the provinces
    under it (one query)."""
    near = Q(province__path__startswith=node.path) | Q(province__path=node.path[:PROVINCE_PATH_LENGTH])
    return set(Cycle.objects.filter(near, year__in=years).values_list("year", "province__path"))


def in_cycle(
    figures: dict[str, Figure], node: OrgNode, year: int, cycles: set[tuple[int, str]]
) -> dict[str, Figure]:
    """`figures`, with the cycle shares emptied (0/0: "—", no data) when no province of the node
    has a cycle of `year`: nobody could register, so "0,0% (0/1.040)" would be a false verdict."""
    if any(y == year and (p.startswith(node.path) or node.path.startswith(p)) for y, p in cycles):
        return figures
    return {
        key: Figure(metric=f.metric, numerator=0, denominator=0) if key in CYCLE_SHARES else f
        for key, f in figures.items()
    }


def _type_order(unit_type: str) -> int:
    order = [ALL_TYPES, *(str(UNIT_TYPE_OF_KIND[NodeKind(k)]) for k in ASSESSED_KINDS)]
    return order.index(unit_type) if unit_type in order else len(order)


def overall(statuses: list[TargetStatus]) -> TargetStatus:
    """A card is met when every target of it is (ignoring those without data)."""
    if not statuses:
        return TargetStatus.NO_TARGET
    if TargetStatus.NOT_MET in statuses:
        return TargetStatus.NOT_MET
    if TargetStatus.MET in statuses:
        return TargetStatus.MET
    return TargetStatus.NO_DATA


def kind_columns(node: OrgNode) -> list[tuple[str, str]]:
    """The node kinds below `node` a table has a column for (a commune has no commune column)."""
    if node.kind in UNIT_KINDS:
        return [(node.kind, str(KIND_LABELS[node.kind]))]
    kinds = [k for k in ASSESSED_KINDS if not (k == NodeKind.COMMUNE and node.kind == NodeKind.COMMUNE)]
    if node.kind == NodeKind.COMMUNE:
        kinds = [NodeKind.COMMUNE, *kinds]  # the commune itself is assessed too
    return [(k, str(KIND_LABELS[k])) for k in kinds]


def by_kind_table(
    node: OrgNode, year: int, figures: dict[str, Figure], kinds: list[tuple[str, str]]
) -> dict[str, list[Cell]]:
    table = {}
    for key in metrics():
        figure = figures[key]
        cells = []
        for kind, _label in kinds:
            pair = figure.part(kind)
            cells.append(
                Cell(
                    show(pair, figure.is_share),
                    pair[0],
                    pair[1],
                    metric_url(node, year, key, kind=kind),
                )
            )
        table[key] = cells
    return table


# A child's pk in a link made once per metric, then replaced by each child's (a page links every
# child's every metric: hundreds of `metric_url` calls otherwise).
_STAND_IN_PK = 987_654_321


def _child_links(node: OrgNode, year: int, keys: list[str]) -> dict[str, tuple[str, str]]:
    """metric → (before, after) the child's pk in `metric_url(node, year, metric, child=child)`."""
    stand_in = OrgNode(pk=_STAND_IN_PK)
    out = {}
    for key in keys:
        before, after = metric_url(node, year, key, child=stand_in).split(str(_STAND_IN_PK))
        out[key] = (before, after)
    return out


def children_table(
    node: OrgNode, year: int, children: list[OrgNode], figures: dict[int, dict[str, Figure]]
) -> list[ChildRow]:
    keys = list(metrics())
    links = _child_links(node, year, keys)
    rows = []
    for child in children:
        own = figures[child.pk]
        pk = str(child.pk)
        cells = []
        for key in keys:
            f = own[key]
            before, after = links[key]
            cells.append(
                Cell(
                    show((f.numerator, f.denominator), f.is_share),
                    f.numerator,
                    f.denominator,
                    before + pk + after,
                )
            )
        rows.append(ChildRow(node=child, url=dashboard_url(child, year), cells=cells))
    return rows


def years_table(node: OrgNode, by_year: dict[int, dict[str, Figure]]) -> dict[str, list[Cell]]:
    table: dict[str, list[Cell]] = {}
    for year, figures in by_year.items():
        for key in metrics():
            f = figures[key]
            table.setdefault(key, []).append(
                Cell(
                    show((f.numerator, f.denominator), f.is_share),
                    f.numerator,
                    f.denominator,
                    metric_url(node, year, key),
                )
            )
    return table


def chart_data(board: Board) -> dict[str, Any]:
    """Numbers for Chart.js (the tables beside the charts hold the same numbers)."""

    def value(cell: Cell, is_share: bool) -> float | int | None:
        # The bar's height: the same rounded share as the cell's text (the tooltip shows the text).
        if not is_share:
            return cell.numerator
        rounded = share(cell.numerator, cell.denominator)
        return None if rounded is None else float(rounded)

    is_share = {c.metric.key: c.figure.is_share for c in board.cards}
    labels = {c.metric.key: c.metric.label for c in board.cards}
    return {
        "kinds": [label for _k, label in board.kinds],
        "children": [row.node.name for row in board.children],
        "years": [str(y) for y in board.years],
        "metrics": [
            {
                "key": key,
                "label": labels[key],
                "share": is_share[key],
                "by_kind": [value(c, is_share[key]) for c in board.by_kind[key]],
                "by_child": [value(row.cells[i], is_share[key]) for row in board.children],
                "by_year": [value(c, is_share[key]) for c in board.by_year.get(key, [])],
                "by_kind_text": [c.shown for c in board.by_kind[key]],
                "by_child_text": [row.cells[i].shown for row in board.children],
                "by_year_text": [c.shown for c in board.by_year.get(key, [])],
            }
            for i, key in enumerate(labels)
        ],
    }


YEARS_SHOWN = 3


def build(node: OrgNode, year: int) -> Board:
    """Everything a dashboard shows (five queries, whatever the size of the subtree)."""
    years = list(range(year - YEARS_SHOWN + 1, year + 1))
    cycles = cycle_provinces(node, years)
    kinds = kind_columns(node)
    children = children_of(node) if node.kind not in UNIT_KINDS else []
    # Every year shown and the children of this one: one query.
    if children:
        whole, child = years_and_child_figures(node, years, children)
    else:
        whole, child = year_figures(node, years), {}
    by_year = {y: in_cycle(f, node, y, cycles) for y, f in whole.items()}
    figures = by_year[year]
    child = {c.pk: in_cycle(child[c.pk], c, year, cycles) for c in children}
    board = Board(
        node=node,
        year=year,
        cards=cards(node, year, figures, targets_for(node, year)),
        kinds=kinds,
        by_kind=by_kind_table(node, year, figures, kinds),
        children=children_table(node, year, children, child),
        years=years,
        by_year=years_table(node, by_year),
    )
    board.charts = chart_data(board)
    return board
