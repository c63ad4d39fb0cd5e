"""The one place the dashboards' and reports' numbers are computed (docs/reports.md, "Figures").

Every metric of `plans/data/metrics.yaml` has one implementation here. Figures are computed by
one aggregate statement grouped by year and node kind (and, for `child_figures`, by the child's path
prefix), never by a loop over units: one query for a node or for all its children, for one year or
for the three a dashboard shows, whatever the size of the subtree. Units moved by the 2025 reform
count where they are now: everything is grouped by the node's current path.

Definitions (where the catalogue leaves a choice open):
* Shares of units (`registered`, `recognized`, `classified_good`, `outreach_reach`) count the
  *population*: communes and the four unit kinds of the subtree, active, not excluded by TT 124.
* The year's records are those of the cycles of that year (each node's province has one).
* `recognized` counts registered units with a recognition decision in force, so that the share
  never exceeds 100%.
* `outreach_reach`: for each unit of the population, the people reached by its tuyên truyền
  sessions of the calendar year, counted as `outreach.selectors.reach` does (the larger of the
  distinct listed people and the largest single headcount, capped at the unit's people), summed
  over the units, against the sum of their people (`people_count`).
* Counts (`training_classes`, `inspections`, `new_initiatives`) and `initiatives_good` count the
  records of the *counted nodes* of the subtree (a commune's own initiative counts as the commune's).
* Counted nodes are the nodes a dashboard lists as children (`children_of`): nodes in force
  (`valid_to` empty) and, among units, the active ones not excluded by TT 124. Records of an ended
  node (the pre-reform branch, `org.history`) or of an inactive or excluded unit count nowhere, so
  a node's figure is always the sum of its children's rows plus the node's own records: a nation's
  total is the sum of its provinces, whatever the year. The population of the shares is the counted
  nodes of the assessed kinds, active.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import ExtractYear, Substr

from antq.cycles.calendar import PROVINCE_PATH_LENGTH
from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.models import Assessment, Cycle, Registration
from antq.decisions.choices import DecisionKind
from antq.decisions.models import DecisionItem
from antq.initiatives.catalogue import ratings
from antq.initiatives.models import Initiative, InitiativeEvaluation
from antq.inspections.choices import DONE_STATUSES
from antq.inspections.models import Inspection
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import SEGMENT_WIDTH, OrgNode, subtree_q, subtree_upper_bound
from antq.outreach.choices import AttendanceMode, SessionKind
from antq.outreach.models import Attendance, OutreachSession

# Communes and the four unit kinds: the nodes whose shares the targets speak of, in display order.
ASSESSED_KINDS: tuple[str, ...] = (
    NodeKind.COMMUNE,
    NodeKind.RESIDENTIAL_AREA,
    NodeKind.AGENCY,
    NodeKind.ENTERPRISE,
    NodeKind.SCHOOL,
)
assert set(ASSESSED_KINDS) == {NodeKind.COMMUNE, *UNIT_KINDS}  # noqa: S101 - a new kind must be placed
REGISTERED = (RegistrationStatus.SUBMITTED, RegistrationStatus.ACCEPTED)
GOOD_LEVELS = ("xuat_sac", "kha")  # QĐ 510 levels "Khá trở lên" (criteria/data/qd510)


@dataclass(frozen=True)
class Figure:
    """The actual value of one metric over a subtree: a share (numerator / denominator) or a count."""

    metric: str  # a key of plans/data/metrics.yaml
    numerator: int
    denominator: int | None  # None for a count
    by_kind: dict[str, tuple[int, int | None]] = field(default_factory=dict)

    @property
    def is_share(self) -> bool:
        return self.denominator is not None

    @property
    def share(self) -> Fraction | None:
        """numerator / denominator, exact; None for a count or an empty denominator."""
        if not self.denominator:
            return None
        return Fraction(self.numerator, self.denominator)

    def part(self, kind: str) -> tuple[int, int | None]:
        """(numerator, denominator) of one node kind; zeros when the kind has none."""
        return self.by_kind.get(kind, (0, 0 if self.is_share else None))


# --- Grouped counts: {year: {metric: {group: {kind: [numerator, denominator]}}}} ---------------

Groups = dict[str, dict[str, list[int]]]  # group -> kind -> [numerator, denominator]
Found = dict[int, dict[str, Groups]]  # year -> metric -> groups


def counted_q(prefix: str = "") -> Q:
    """The nodes whose records a figure counts (module docstring): in force, and for a unit,
    active and not excluded. `prefix` reaches the node from a record ("node__")."""
    unit_out = Q(**{f"{prefix}kind__in": UNIT_KINDS}) & (
        Q(**{f"{prefix}is_active": False}) | ~Q(**{f"{prefix}exclusion_code": ""})
    )
    return Q(**{f"{prefix}valid_to__isnull": True}) & ~unit_out


def population(node: OrgNode) -> QuerySet[OrgNode]:
    """Communes and units of the subtree in the shares' denominators: counted nodes, active."""
    return _population(node.path)


def _population(path: str) -> QuerySet[OrgNode]:
    return OrgNode.objects.filter(
        subtree_q(path),
        kind__in=ASSESSED_KINDS,
        is_active=True,
        exclusion_code="",
        valid_to__isnull=True,
    )


def has_cycle(year: int) -> Exists:
    """The node's province has a cycle of `year` (nobody registers, is late or is assessed without
    one)."""
    return Exists(
        Cycle.objects.filter(year=year, province__path=Substr(OuterRef("path"), 1, PROVINCE_PATH_LENGTH))
    )


# One implementation per metric key of plans/data/metrics.yaml (a test checks both lists agree).
# A share's groups carry [numerator, denominator]; a count's [count, 0].
SHARE_METRICS = ("registered", "recognized", "classified_good", "outreach_reach")
COUNT_METRICS = frozenset({"training_classes", "inspections", "new_initiatives"})
METRIC_KEYS: tuple[str, ...] = (
    *SHARE_METRICS,
    "initiatives_good",
    "training_classes",
    "inspections",
    "new_initiatives",
)


@dataclass(frozen=True)
class _Shape:
    """What the text of the figures' statement depends on; a node's path, its years and their first
    and last days are only parameters of it."""

    vendor: str
    root: bool  # the nation: its subtree is every node, the derived tables need no bound
    group_length: int  # the child's path prefix grouped by; 0: no grouping by child
    years: int
    good_ratings: tuple[str, ...]


def _compose(
    shape: _Shape, path: str, years: Sequence[int], first: dt.date, last: dt.date
) -> tuple[str, list[Any]]:
    """Every metric of every year in one statement, one row per (year, group, kind) and metric
    family: the four shares of the population, then the four counts of records.

    Set-based on purpose: each record table is reduced once to one row per (node, year) of the
    subtree (a derived table, built by the ORM from the same filters as everywhere else), then joined
    to the population × the years and counted. Per-node EXISTS subqueries read the same answer but
    cost one probe per node and metric (16 s for the nation's 200,000 units; docs/performance.md).
    Sessions, inspections and initiatives are read between the first day of the first year and the
    last day of the last (`first`, `last`) and counted by their year.
    """
    # Bounds every derived table by the subtree; the root's subtree is every node, and the join that
    # would say so costs a national dashboard a third of its time.
    inside = Q() if shape.root else subtree_q(path, field="node__path")
    registered = (
        Registration.objects.filter(inside, cycle__year__in=years, status__in=REGISTERED)
        .values(node_key=F("node_id"), yr=F("cycle__year"))
        .order_by()  # a model's default ordering would join its tables into the DISTINCT
        .distinct()
    )
    recognized = (
        DecisionItem.objects.filter(
            inside, cycle__year__in=years, kind=DecisionKind.RECOGNITION, in_force=True
        )
        .values(node_key=F("node_id"), yr=F("cycle__year"))
        .order_by()
        .distinct()
    )
    classified = (
        Assessment.objects.filter(inside, cycle__year__in=years, status=AssessmentStatus.APPROVED)
        .exclude(classification="")
        .values(node_key=F("node_id"), yr=F("cycle__year"))
        .annotate(good=Max(Case(When(classification__in=GOOD_LEVELS, then=1), default=0)))
        .order_by()
    )
    sessions = OutreachSession.objects.filter(
        inside,
        kind=SessionKind.PROPAGANDA,
        held_on__gte=first,
        held_on__lte=last,
        withdrawn_at__isnull=True,
    )
    listed = (
        Attendance.objects.filter(session__in=sessions.values("pk"))
        .values(node_key=F("session__node_id"), yr=ExtractYear("session__held_on"))
        .annotate(n=Count("participant", distinct=True))
        .order_by()
    )
    largest = (
        sessions.filter(attendance_mode=AttendanceMode.HEADCOUNT, headcount__isnull=False)
        .values(node_key=F("node_id"), yr=ExtractYear("held_on"))
        .annotate(n=Max("headcount"))
        .order_by()
    )
    # Aliased: SQLite names a derived table's columns after their expression, not the field.
    people = (
        _population(path)
        .values(nid=F("pk"), nkind=F("kind"), npath=F("path"), npeople=F("people_count"))
        .order_by()
    )
    # The records counted by node (module docstring), one row each with its node's path and kind.
    evaluations = InitiativeEvaluation.objects.filter(
        subtree_q(path, field="initiative__node__path"), counted_q("initiative__node__"), year__in=years
    ).values(
        npath=F("initiative__node__path"),
        nkind=F("initiative__node__kind"),
        yr=F("year"),
        good=Case(When(rating__in=shape.good_ratings, then=1), default=0),
    )
    counted = subtree_q(path, field="node__path") & counted_q("node__")
    classes = OutreachSession.objects.filter(
        counted, kind=SessionKind.TRAINING, held_on__gte=first, held_on__lte=last, withdrawn_at__isnull=True
    ).values(npath=F("node__path"), nkind=F("node__kind"), yr=ExtractYear("held_on"))
    inspections = Inspection.objects.filter(
        counted, status__in=DONE_STATUSES, inspected_on__gte=first, inspected_on__lte=last
    ).values(npath=F("node__path"), nkind=F("node__kind"), yr=ExtractYear("inspected_on"), nid=F("node_id"))
    started = Initiative.objects.filter(counted, started_on__gte=first, started_on__lte=last).values(
        npath=F("node__path"), nkind=F("node__kind"), yr=ExtractYear("started_on")
    )

    def group(alias: str) -> str:
        return f"SUBSTR({alias}.npath, 1, {shape.group_length})" if shape.group_length else "''"

    params: list[Any] = []

    def part(qs: QuerySet[Any]) -> str:
        sql, part_params = qs.query.sql_with_params()
        params.extend(part_params)
        return f"({sql})"

    # The people reached by a node: the larger of its listed people and its largest headcount,
    # capped at its people (outreach.selectors.reach), written with CASE to run on both databases.
    best = "CASE WHEN COALESCE(l.n, 0) > COALESCE(h.n, 0) THEN COALESCE(l.n, 0) ELSE COALESCE(h.n, 0) END"
    own = "COALESCE(p.npeople, 0)"
    people_sql = part(people)
    params.extend(years)
    years_sql = " UNION ALL ".join(["SELECT CAST(%s AS INTEGER) AS yr"] * len(years))
    joins = "".join(
        f" LEFT JOIN {part(qs)} {alias} ON {alias}.node_key = p.nid AND {alias}.yr = y.yr"
        for alias, qs in (
            ("r", registered),
            ("d", recognized),
            ("a", classified),
            ("l", listed),
            ("h", largest),
        )
    )
    zeros = ", 0, 0, 0, 0, 0"
    # Identifiers and ORM-compiled subqueries only; every value travels as a parameter.
    statement = f"""
        SELECT 'shares', y.yr, {group("p")}, p.nkind,
            COUNT(*),
            SUM(CASE WHEN r.node_key IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.node_key IS NOT NULL AND d.node_key IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN a.node_key IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN a.good = 1 THEN 1 ELSE 0 END),
            SUM(CASE WHEN {best} < {own} THEN {best} ELSE {own} END),
            SUM({own})
        FROM {people_sql} p CROSS JOIN ({years_sql}) y{joins}
        GROUP BY 2, 3, 4
        UNION ALL
        SELECT 'initiatives_good', t.yr, {group("t")}, t.nkind, SUM(t.good), COUNT(*){zeros}
        FROM {part(evaluations)} t GROUP BY 2, 3, 4
        UNION ALL
        SELECT 'training_classes', t.yr, {group("t")}, t.nkind, COUNT(*), 0{zeros}
        FROM {part(classes)} t GROUP BY 2, 3, 4
        UNION ALL
        SELECT 'inspections', t.yr, {group("t")}, t.nkind, COUNT(DISTINCT t.nid), 0{zeros}
        FROM {part(inspections)} t GROUP BY 2, 3, 4
        UNION ALL
        SELECT 'new_initiatives', t.yr, {group("t")}, t.nkind, COUNT(*), 0{zeros}
        FROM {part(started)} t GROUP BY 2, 3, 4
    """  # noqa: S608 - every part is ORM-compiled SQL with its own parameters; nothing is user text  # nosec B608
    return statement, params


# Stand-ins compiled once per shape in place of a request's values (no path, year or day of ours
# looks like them), then replaced by the request's values: composing and compiling the statement's
# eleven querysets with the ORM cost more Python than the rest of a commune's dashboard.
_PATH = "~~~~~~000007"
_YEAR = 9_000_001
_FIRST_DAY, _LAST_DAY = dt.date(2, 1, 1), dt.date(2, 12, 31)


@lru_cache(maxsize=256)
def _template(shape: _Shape) -> tuple[str, tuple[Any, ...]]:
    sql, params = _compose(shape, _PATH, [_YEAR + i for i in range(shape.years)], _FIRST_DAY, _LAST_DAY)
    return sql, tuple(params)


def _statement(shape: _Shape, path: str, years: Sequence[int]) -> tuple[str, list[Any]]:
    """The statement of `shape` for `path` and `years`: the same text and parameters as
    `_compose` gives (tests/dashboards check both), without compiling anything."""
    sql, stand_ins = _template(shape)
    adapt = connection.ops.adapt_datefield_value
    values: dict[Any, Any] = {
        _PATH: path,
        subtree_upper_bound(_PATH): subtree_upper_bound(path),
        adapt(_FIRST_DAY): adapt(dt.date(years[0], 1, 1)),
        adapt(_LAST_DAY): adapt(dt.date(years[-1], 12, 31)),
    }
    values.update({_YEAR + i: year for i, year in enumerate(years)})
    return sql, [values.get(param, param) for param in stand_ins]


def _shape(node: OrgNode, years: Sequence[int], by_child: bool) -> _Shape:
    return _Shape(
        vendor=connection.vendor,
        root=node.parent_id is None,
        group_length=len(node.path) + SEGMENT_WIDTH if by_child else 0,
        years=len(years),
        good_ratings=tuple(sorted(ratings().effective_codes)),
    )


def _compute(node: OrgNode, years: Iterable[int], *, by_child: bool) -> Found:
    """Every metric of `years` for the subtree of `node`, grouped by kind (and by child): one query."""
    ordered = sorted(set(years))
    sql, params = _statement(_shape(node, ordered, by_child), node.path, ordered)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: Found = {year: {metric: _groups() for metric in METRIC_KEYS} for year in ordered}
    for tag, yr, grp, kind, a, b, c, d, e, f, g in rows:
        # Records dated in a year between two asked for (years 2024 and 2026) are read, not kept.
        of_year = found.get(int(yr))
        if of_year is None:
            continue
        if tag != "shares":
            of_year[tag][grp][kind] = [int(a), int(b)]
            continue
        total, n_registered, n_recognized, n_classified, n_good, reached, people = (
            int(v or 0) for v in (a, b, c, d, e, f, g)
        )
        of_year["registered"][grp][kind] = [n_registered, total]
        of_year["recognized"][grp][kind] = [n_recognized, n_registered]
        of_year["classified_good"][grp][kind] = [n_good, n_classified]
        of_year["outreach_reach"][grp][kind] = [reached, people]
    return found


def _groups() -> Groups:
    return defaultdict(dict)


def _figure(metric: str, kinds: Iterable[tuple[str, list[int]]]) -> Figure:
    is_count = metric in COUNT_METRICS
    by_kind: dict[str, tuple[int, int | None]] = {}
    for kind, (num, den) in kinds:
        old_num, old_den = by_kind.get(kind, (0, 0))
        by_kind[kind] = (old_num + num, None if is_count else (old_den or 0) + den)
    numerator = sum(num for num, _den in by_kind.values())
    denominator = None if is_count else sum(den or 0 for _num, den in by_kind.values())
    ordered = {k: by_kind[k] for k in sorted(by_kind, key=_kind_order)}
    return Figure(metric=metric, numerator=numerator, denominator=denominator, by_kind=ordered)


def _kind_order(kind: str) -> tuple[int, str]:
    return (ASSESSED_KINDS.index(kind) if kind in ASSESSED_KINDS else len(ASSESSED_KINDS), kind)


def node_figures(node: OrgNode, year: int) -> dict[str, Figure]:
    """Every metric over the whole subtree of `node` for `year` (one query)."""
    return year_figures(node, [year])[year]


def year_figures(node: OrgNode, years: Sequence[int]) -> dict[int, dict[str, Figure]]:
    """`node_figures` for each year (one query for all of them)."""
    found = _compute(node, years, by_child=False)
    return {
        year: {metric: _figure(metric, of_year[metric].get("", {}).items()) for metric in METRIC_KEYS}
        for year, of_year in found.items()
    }


def children_of(node: OrgNode) -> list[OrgNode]:
    """The children a dashboard lists: its counted nodes (current administrative nodes, units in
    the population) one level down (one query)."""
    return list(OrgNode.objects.filter(counted_q(), parent=node).order_by("search_text", "pk"))


def child_figures(
    node: OrgNode, year: int, children: Sequence[OrgNode] | None = None
) -> dict[int, dict[str, Figure]]:
    """Every metric for each child of `node` (its whole subtree), keyed by the child's id (two
    queries, one when `children` is given). The node's own records belong to no child."""
    return node_and_child_figures(node, year, children)[1]


def node_and_child_figures(
    node: OrgNode, year: int, children: Sequence[OrgNode] | None = None
) -> tuple[dict[str, Figure], dict[int, dict[str, Figure]]]:
    """`node_figures` and `child_figures` from the same query: the node's figure is the sum of
    every group of the per-child grouping (its children's and its own records'), the filters being
    the same. A national dashboard reads the country once instead of twice."""
    by_year, children_figures = years_and_child_figures(node, [year], children)
    return by_year[year], children_figures


def years_and_child_figures(
    node: OrgNode, years: Sequence[int], children: Sequence[OrgNode] | None = None
) -> tuple[dict[int, dict[str, Figure]], dict[int, dict[str, Figure]]]:
    """`year_figures` of `years` and the `child_figures` of the last of them, from one query (what
    a dashboard shows: the year, its children, the years before)."""
    children = children_of(node) if children is None else children
    found = _compute(node, years, by_child=True)
    whole = {
        year: {
            metric: _figure(metric, (pair for groups in of_year[metric].values() for pair in groups.items()))
            for metric in METRIC_KEYS
        }
        for year, of_year in found.items()
    }
    last = found[max(found)]
    out: dict[int, dict[str, Figure]] = {}
    for child in children:
        out[child.pk] = {
            metric: _figure(metric, last[metric].get(child.path, {}).items()) for metric in METRIC_KEYS
        }
    return whole, out
