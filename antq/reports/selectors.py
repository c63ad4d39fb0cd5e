"""Reads of the reports app: lists, the children a report expects, and the reporting board.

The board is four aggregate queries whatever the number of children (the children, their
reports, the expected nodes per level, the received reports per level), never a query per child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce
from operator import or_

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from antq.accounts.roles import ROLE_ACTIONS, Action
from antq.accounts.scope import Scope
from antq.core.numbers import percent_text
from antq.org.choices import UNIT_KINDS
from antq.org.models import SEGMENT_WIDTH, OrgNode, subtree_q
from antq.reports.choices import (
    LEVEL_KINDS,
    LEVEL_ORDER,
    RECEIVED,
    Punctuality,
    ReportLevel,
    ReportStatus,
    level_of,
)
from antq.reports.models import Report, ReportDefinition

PROVINCE_PATH_LENGTH = 2 * SEGMENT_WIDTH


# --- Definitions -----------------------------------------------------------------------------


def _province_paths(scope: Scope) -> set[str]:
    """The provinces the user works in (the province segment of each reading grant)."""
    out: set[str] = set()
    for grant in scope.grants:
        if (
            Action.VIEW in ROLE_ACTIONS.get(grant.role, frozenset())
            and len(grant.path) >= PROVINCE_PATH_LENGTH
        ):
            out.add(grant.path[:PROVINCE_PATH_LENGTH])
    return out


def definitions_q(scope: Scope) -> Q:
    """National definitions, and those of the provinces the user sees or works in (a commune's
    officer reads the province's own reports it must send)."""
    return (
        Q(node__isnull=True)
        | scope.q(Action.VIEW, field="node__path")
        | Q(node__path__in=sorted(_province_paths(scope)))
    )


def visible_definitions(scope: Scope) -> QuerySet[ReportDefinition]:
    return ReportDefinition.objects.filter(definitions_q(scope)).select_related("node")


def reads_definition(scope: Scope, definition: ReportDefinition) -> bool:
    if definition.node is None:
        return True
    return scope.sees(definition.node) or definition.node.path in _province_paths(scope)


# --- Reports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    box: str = "all"  # "mine": reports the user writes; "received": those the user reviews
    year: int | None = None
    definition: int | None = None
    status: str = ""
    within: OrgNode | None = None  # only reports of this node's subtree (an export job's node)


def received_q(scope: Scope) -> Q:
    """Reports the user receives (the filter form of `receives`)."""
    parts = []
    for grant in scope.grants:
        if Action.REPORT_REVIEW not in ROLE_ACTIONS.get(grant.role, frozenset()):
            continue
        kinds = grant.kinds_for(Action.REPORT_REVIEW)
        part = grant.q("node__path")
        if kinds is not None:
            part &= Q(node__kind__in=sorted(kinds), node__parent__path=grant.path)
        parts.append(part)
    return reduce(or_, parts) if parts else Q(pk__in=[])


def report_list(*, scope: Scope, filters: ReportFilters) -> QuerySet[Report]:
    """Reports the user sees (the node's VIEW), narrowed to a box, year, definition, status."""
    if filters.box == "mine":
        qs = Report.objects.filter(scope.q(Action.REPORT_WRITE, field="node__path"))
    elif filters.box == "received":
        qs = Report.objects.filter(received_q(scope)).exclude(status=ReportStatus.DRAFT)
    else:
        qs = Report.objects.filter(scope.q(Action.VIEW, field="node__path"))
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.definition:
        qs = qs.filter(definition_id=filters.definition)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.within is not None:
        qs = qs.filter(subtree_q(filters.within.path, field="node__path"))
    return qs.select_related("definition", "node").order_by("-year", "definition_id", "node__path", "pk")


def report_years(scope: Scope) -> list[int]:
    years = set(
        Report.objects.filter(scope.q(Action.VIEW, field="node__path"))
        .values_list("year", flat=True)
        .distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


# --- Who reports to whom ---------------------------------------------------------------------


def _reporting_kinds(definition: ReportDefinition, levels: list[str] | None = None) -> list[str]:
    kinds: set[str] = set()
    for level in levels if levels is not None else definition.levels():
        kinds |= LEVEL_KINDS.get(level, frozenset())
    return sorted(kinds)


def _population(definition: ReportDefinition, node: OrgNode, prefix: str = "") -> Q:
    """Nodes in force under `node` (not `node` itself) within the definition's reach; units only
    when active and not excluded by TT 124 (the nodes every dashboard counts)."""
    q = subtree_q(node.path, field=f"{prefix}path") & ~Q(**{f"{prefix}pk": node.pk})
    if definition.node is not None:
        q &= subtree_q(definition.node.path, field=f"{prefix}path")
    q &= Q(**{f"{prefix}valid_to__isnull": True, f"{prefix}is_active": True, f"{prefix}exclusion_code": ""})
    return q


def expected_children(definition: ReportDefinition, node: OrgNode) -> QuerySet[OrgNode]:
    """The children of `node` that write this report to it."""
    return OrgNode.objects.filter(
        _population(definition, node), parent=node, kind__in=_reporting_kinds(definition)
    ).order_by("search_text", "pk")


def received_child_statistics(report: Report, children: list[OrgNode]) -> list[tuple[str, dict[str, object]]]:
    """(child's name, statistics) of the children's received reports, in the children's order."""
    names = {child.pk: child.name for child in children}
    found = dict(
        Report.objects.filter(
            definition=report.definition, year=report.year, node__in=list(names), status__in=RECEIVED
        ).values_list("node_id", "statistics")
    )
    return [(names[pk], found[pk]) for pk in names if pk in found]


def _received_by() -> Q:
    """Reports sent on time: the first submission on or before the deadline snapshotted on the
    report (no deadline: on time)."""
    return Q(due_on__isnull=True) | Q(submitted_at__date__lte=F("due_on"))


def punctuality(report: Report | None) -> str:
    if report is None or report.status == ReportStatus.DRAFT:
        return Punctuality.MISSING
    if report.status == ReportStatus.RETURNED:
        return Punctuality.RETURNED
    return Punctuality.LATE if report.is_late else Punctuality.ON_TIME


# --- The board -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    node: OrgNode
    report: Report | None
    state: str  # Punctuality
    overdue: bool  # missing (or returned) and past the deadline

    @property
    def state_label(self) -> str:
        return str(Punctuality(self.state).label)


@dataclass(frozen=True)
class LevelRate:
    level: str
    deadline: dt.date | None
    expected: int
    on_time: int
    late: int
    returned: int

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return self.expected - self.reported - self.returned

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.reported, self.expected) if self.expected else None

    @property
    def on_time_rate(self) -> Fraction | None:
        return Fraction(self.on_time, self.expected) if self.expected else None

    @property
    def rate_text(self) -> str:
        return percent_text(self.reported, self.expected)

    @property
    def on_time_text(self) -> str:
        return percent_text(self.on_time, self.expected)

    @property
    def label(self) -> str:
        return str(ReportLevel(self.level).label)


@dataclass(frozen=True)
class Board:
    definition: ReportDefinition
    year: int
    node: OrgNode
    rows: list[ChildRow]
    levels: list[LevelRate]
    own: Report | None


def board(definition: ReportDefinition, year: int, node: OrgNode, today: dt.date | None = None) -> Board:
    """Each child of `node` that writes the report, where its report stands, and the reporting and
    on-time rates of every level under `node` (five queries, whatever the number of children)."""
    rows = board_rows(definition, year, node, today)
    own = Report.objects.filter(definition=definition, year=year, node=node).first()
    return Board(
        definition=definition,
        year=year,
        node=node,
        rows=rows,
        levels=level_rates(definition, year, node),
        own=own,
    )


def level_rates(definition: ReportDefinition, year: int, node: OrgNode) -> list[LevelRate]:
    """For every level of the definition under `node`: expected, on time, late, returned (two
    grouped queries over the whole subtree)."""
    levels = [lv for lv in definition.levels() if LEVEL_ORDER.index(lv) > _rank(node)]
    if not levels:
        return []
    kinds = _reporting_kinds(definition, levels)
    expected: dict[str, int] = {}
    for kind, n in (
        OrgNode.objects.filter(_population(definition, node), kind__in=kinds)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        expected[kind] = n
    on_time = _received_by()
    received = Q(status__in=RECEIVED)
    counts: dict[str, tuple[int, int, int]] = {}
    for kind, n_on_time, n_late, n_returned in (
        Report.objects.filter(_population(definition, node, "node__"), definition=definition, year=year)
        .filter(node__kind__in=kinds)
        .values_list("node__kind")
        .annotate(
            on_time=Count("pk", filter=received & on_time),
            late=Count("pk", filter=received & ~on_time),
            returned=Count("pk", filter=Q(status=ReportStatus.RETURNED)),
        )
        .order_by()
    ):
        counts[kind] = (n_on_time, n_late, n_returned)
    out = []
    for level in levels:
        level_kinds = LEVEL_KINDS[level]
        sums = [sum(counts.get(k, (0, 0, 0))[i] for k in level_kinds) for i in range(3)]
        out.append(
            LevelRate(
                level=level,
                deadline=definition.deadline_for(level, year),
                expected=sum(expected.get(k, 0) for k in level_kinds),
                on_time=sums[0],
                late=sums[1],
                returned=sums[2],
            )
        )
    return out


def _rank(node: OrgNode) -> int:
    """Position of the node's level in LEVEL_ORDER (the nation above all: -1; a unit the last)."""
    level = level_of(node.kind)
    if level in LEVEL_ORDER:
        return LEVEL_ORDER.index(level)  # type: ignore[arg-type]
    return -1 if node.kind not in UNIT_KINDS else len(LEVEL_ORDER)


def child_rows(report: Report) -> list[ChildRow]:
    """The per-child breakdown of a report whose children report (two queries)."""
    return board_rows(report.definition, report.year, report.node)


def board_rows(
    definition: ReportDefinition, year: int, node: OrgNode, today: dt.date | None = None
) -> list[ChildRow]:
    """Each child of `node` that writes the report, with its report and where it stands."""
    today = today or timezone.localdate()
    children = list(expected_children(definition, node))
    reports = {
        r.node_id: r for r in Report.objects.filter(definition=definition, year=year, node__parent=node)
    }
    rows = []
    for child in children:
        report = reports.get(child.pk)
        if report is not None:
            report.node = child
            report.definition = definition
        state = punctuality(report)
        due = definition.deadline_for(level_of(child.kind), year)
        overdue = state in (Punctuality.MISSING, Punctuality.RETURNED) and due is not None and today > due
        rows.append(ChildRow(node=child, report=report, state=state, overdue=overdue))
    return rows
