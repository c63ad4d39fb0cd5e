"""The one place the dashboards' and reports' numbers are computed (docs/reports.md, "Figures").

Every metric of `plans/data/metrics.yaml` has one implementation here. A figure is computed by a
few aggregate queries grouped by node kind (and, for `child_figures`, by the child's path prefix),
never by a loop over units: five queries for a node or for all its children, whatever the size of
the subtree. Units moved by the 2025 reform count where they are now: everything is grouped by the
node's current path.

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

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
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
    Value,
    When,
)
from django.db.models.functions import Substr

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
from antq.org.models import SEGMENT_WIDTH, OrgNode, subtree_q
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


# --- Grouped counts: {group key: {kind: (numerator, denominator)}} per metric ------------------

Groups = dict[str, dict[str, list[int]]]  # group -> kind -> [numerator, denominator]


@dataclass(frozen=True)
class _Grouping:
    """How rows are grouped: by kind only (group "") or also by the child's path prefix."""

    node: OrgNode
    by_child: bool

    def values(self, qs: QuerySet[Any], path_field: str, kind_field: str) -> QuerySet[Any]:
        if not self.by_child:
            return qs.annotate(group=Value("")).values("group", kind_field)
        length = len(self.node.path) + SEGMENT_WIDTH
        return qs.annotate(group=Substr(path_field, 1, length)).values("group", kind_field)


def counted_q(prefix: str = "") -> Q:
    """The nodes whose records a figure counts (module docstring): in force, and for a unit,
    active and not excluded. `prefix` reaches the node from a record ("node__")."""
    unit_out = Q(**{f"{prefix}kind__in": UNIT_KINDS}) & (
        Q(**{f"{prefix}is_active": False}) | ~Q(**{f"{prefix}exclusion_code": ""})
    )
    return Q(**{f"{prefix}valid_to__isnull": True}) & ~unit_out


def population(node: OrgNode) -> QuerySet[OrgNode]:
    """Communes and units of the subtree in the shares' denominators: counted nodes, active."""
    return OrgNode.objects.filter(
        subtree_q(node.path),
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


def _unit_shares(grouping: _Grouping, year: int) -> dict[str, Groups]:
    """registered, recognized, classified_good and outreach_reach of the population: one query,
    one row per (group, kind).

    Set-based on purpose: each record table is reduced once to one row per node of the subtree
    (a derived table, built by the ORM from the same filters as everywhere else), then joined to
    the population and counted. Per-node EXISTS subqueries read the same answer but cost one
    probe per node and metric (16 s for the nation's 200,000 units; docs/performance.md).
    """
    node = grouping.node
    # Bounds every derived table by the subtree; the root's subtree is every node, and the join that
    # would say so costs a national dashboard a third of its time.
    inside = Q() if node.parent_id is None else subtree_q(node.path, field="node__path")
    registered = (
        Registration.objects.filter(inside, cycle__year=year, status__in=REGISTERED)
        .values(node_key=F("node_id"))
        .order_by()  # a model's default ordering would join its tables into the DISTINCT
        .distinct()
    )
    recognized = (
        DecisionItem.objects.filter(inside, cycle__year=year, kind=DecisionKind.RECOGNITION, in_force=True)
        .values(node_key=F("node_id"))
        .order_by()
        .distinct()
    )
    classified = (
        Assessment.objects.filter(inside, cycle__year=year, status=AssessmentStatus.APPROVED)
        .exclude(classification="")
        .values(node_key=F("node_id"))
        .annotate(good=Max(Case(When(classification__in=GOOD_LEVELS, then=1), default=0)))
        .order_by()
    )
    sessions = OutreachSession.objects.filter(
        inside, kind=SessionKind.PROPAGANDA, held_on__year=year, withdrawn_at__isnull=True
    )
    listed = (
        Attendance.objects.filter(session__in=sessions.values("pk"))
        .values(node_key=F("session__node_id"))
        .annotate(n=Count("participant", distinct=True))
        .order_by()
    )
    largest = (
        sessions.filter(attendance_mode=AttendanceMode.HEADCOUNT, headcount__isnull=False)
        .values(node_key=F("node_id"))
        .annotate(n=Max("headcount"))
        .order_by()
    )
    # Aliased: SQLite names a derived table's columns after their expression, not the field.
    people = (
        population(node)
        .values(nid=F("pk"), nkind=F("kind"), npath=F("path"), npeople=F("people_count"))
        .order_by()
    )
    parts = [_sql(q) for q in (people, registered, recognized, classified, listed, largest)]
    group = f"SUBSTR(p.npath, 1, {len(node.path) + SEGMENT_WIDTH})" if grouping.by_child else "''"
    # The people reached by a node: the larger of its listed people and its largest headcount,
    # capped at its people (outreach.selectors.reach), written with CASE to run on both databases.
    best = "CASE WHEN COALESCE(l.n, 0) > COALESCE(h.n, 0) THEN COALESCE(l.n, 0) ELSE COALESCE(h.n, 0) END"
    own = "COALESCE(p.npeople, 0)"
    statement = f"""
        SELECT {group} AS grp, p.nkind,
            COUNT(*),
            SUM(CASE WHEN r.node_key IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.node_key IS NOT NULL AND d.node_key IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN a.node_key IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN a.good = 1 THEN 1 ELSE 0 END),
            SUM(CASE WHEN {best} < {own} THEN {best} ELSE {own} END),
            SUM({own})
        FROM ({parts[0][0]}) p
        LEFT JOIN ({parts[1][0]}) r ON r.node_key = p.nid
        LEFT JOIN ({parts[2][0]}) d ON d.node_key = p.nid
        LEFT JOIN ({parts[3][0]}) a ON a.node_key = p.nid
        LEFT JOIN ({parts[4][0]}) l ON l.node_key = p.nid
        LEFT JOIN ({parts[5][0]}) h ON h.node_key = p.nid
        GROUP BY 1, 2
    """  # noqa: S608 - every part is ORM-compiled SQL with its own parameters; nothing is user text
    with connection.cursor() as cursor:
        cursor.execute(statement, [param for _sql_text, params in parts for param in params])
        rows = cursor.fetchall()
    out: dict[str, Groups] = {m: _groups() for m in ("registered", "recognized", "classified_good")}
    out["outreach_reach"] = _groups()
    for grp, kind, total, n_registered, n_recognized, n_classified, n_good, reached, people_sum in rows:
        out["registered"][grp][kind] = [int(n_registered or 0), int(total)]
        out["recognized"][grp][kind] = [int(n_recognized or 0), int(n_registered or 0)]
        out["classified_good"][grp][kind] = [int(n_good or 0), int(n_classified or 0)]
        out["outreach_reach"][grp][kind] = [int(reached or 0), int(people_sum or 0)]
    return out


def _sql(qs: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def _initiatives_good(grouping: _Grouping, year: int) -> Groups:
    qs = InitiativeEvaluation.objects.filter(
        subtree_q(grouping.node.path, field="initiative__node__path"),
        counted_q("initiative__node__"),
        year=year,
    )
    good = sorted(ratings().effective_codes)
    rows = grouping.values(qs, "initiative__node__path", "initiative__node__kind").annotate(
        good=Count("pk", filter=Q(rating__in=good)), total=Count("pk")
    )
    out = _groups()
    for row in rows.order_by():
        out[row["group"]][row["initiative__node__kind"]] = [row["good"], row["total"]]
    return out


def _count(
    grouping: _Grouping, qs: QuerySet[Any], path_field: str, kind_field: str, counted: str = "pk"
) -> Groups:
    node = path_field.removesuffix("path")  # "node__"
    inside = qs.filter(subtree_q(grouping.node.path, field=path_field), counted_q(node))
    rows = grouping.values(inside, path_field, kind_field)
    out = _groups()
    for row in rows.annotate(n=Count(counted, distinct=counted != "pk")).order_by():
        out[row["group"]][row[kind_field]] = [row["n"], 0]
    return out


def _training_classes(grouping: _Grouping, year: int) -> Groups:
    qs = OutreachSession.objects.filter(
        kind=SessionKind.TRAINING, held_on__year=year, withdrawn_at__isnull=True
    )
    return _count(grouping, qs, "node__path", "node__kind")


def _inspections(grouping: _Grouping, year: int) -> Groups:
    """Distinct nodes with an inspection concluded (or closed) dated in the year."""
    qs = Inspection.objects.filter(status__in=DONE_STATUSES, inspected_on__year=year)
    return _count(grouping, qs, "node__path", "node__kind", counted="node")


def _new_initiatives(grouping: _Grouping, year: int) -> Groups:
    qs = Initiative.objects.filter(started_on__year=year)
    return _count(grouping, qs, "node__path", "node__kind")


def _groups() -> Groups:
    return defaultdict(dict)


# One implementation per metric key of plans/data/metrics.yaml (a test checks both lists agree).
# A share's groups carry [numerator, denominator]; a count's [count, 0].
SHARE_METRICS = ("registered", "recognized", "classified_good", "outreach_reach")
COMPUTERS: dict[str, Callable[[_Grouping, int], Groups]] = {
    "initiatives_good": _initiatives_good,
    "training_classes": _training_classes,
    "inspections": _inspections,
    "new_initiatives": _new_initiatives,
}
METRIC_KEYS: tuple[str, ...] = (*SHARE_METRICS, *COMPUTERS)
COUNT_METRICS = frozenset({"training_classes", "inspections", "new_initiatives"})


def _compute(grouping: _Grouping, year: int) -> dict[str, Groups]:
    found = _unit_shares(grouping, year)
    for metric, compute in COMPUTERS.items():
        found[metric] = compute(grouping, year)
    return found


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
    """Every metric over the whole subtree of `node` for `year` (five queries)."""
    found = _compute(_Grouping(node, by_child=False), year)
    return {metric: _figure(metric, found[metric].get("", {}).items()) for metric in METRIC_KEYS}


def children_of(node: OrgNode) -> list[OrgNode]:
    """The children a dashboard lists: its counted nodes (current administrative nodes, units in
    the population) one level down (one query)."""
    return list(OrgNode.objects.filter(counted_q(), parent=node).order_by("search_text", "pk"))


def child_figures(
    node: OrgNode, year: int, children: Sequence[OrgNode] | None = None
) -> dict[int, dict[str, Figure]]:
    """Every metric for each child of `node` (its whole subtree), keyed by the child's id (six
    queries, five when `children` is given). The node's own records belong to no child."""
    return node_and_child_figures(node, year, children)[1]


def node_and_child_figures(
    node: OrgNode, year: int, children: Sequence[OrgNode] | None = None
) -> tuple[dict[str, Figure], dict[int, dict[str, Figure]]]:
    """`node_figures` and `child_figures` from the same five queries: the node's figure is the sum
    of every group of the per-child grouping (its children's and its own records'), the filters
    being the same. A national dashboard reads the country once instead of twice."""
    children = children_of(node) if children is None else children
    found = _compute(_Grouping(node, by_child=True), year)
    whole = {
        metric: _figure(metric, (pair for groups in found[metric].values() for pair in groups.items()))
        for metric in METRIC_KEYS
    }
    out: dict[int, dict[str, Figure]] = {}
    for child in children:
        out[child.pk] = {
            metric: _figure(metric, found[metric].get(child.path, {}).items()) for metric in METRIC_KEYS
        }
    return whole, out


def year_figures(node: OrgNode, years: Sequence[int]) -> dict[int, dict[str, Figure]]:
    """`node_figures` for each year (five queries a year)."""
    return {year: node_figures(node, year) for year in years}
