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

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, Substr

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
    one row per (group, kind), each metric an EXISTS or a correlated subquery per node."""
    here = OuterRef("pk")
    registered = Exists(Registration.objects.filter(node=here, cycle__year=year, status__in=REGISTERED))
    recognized = Exists(
        DecisionItem.objects.filter(node=here, cycle__year=year, kind=DecisionKind.RECOGNITION, in_force=True)
    )
    approved = Assessment.objects.filter(
        node=here, cycle__year=year, status=AssessmentStatus.APPROVED
    ).exclude(classification="")
    classified = Exists(approved)
    classified_good = Exists(approved.filter(classification__in=GOOD_LEVELS))
    listed, largest = _reach_subqueries(year)
    people = Coalesce("people_count", 0)
    reached = Least(Greatest(Coalesce(listed, 0), Coalesce(largest, 0)), people)
    rows = grouping.values(population(grouping.node), "path", "kind").annotate(
        total=Count("pk"),
        registered=Count("pk", filter=Q(registered)),
        recognized=Count("pk", filter=Q(registered) & Q(recognized)),
        classified=Count("pk", filter=Q(classified)),
        classified_good=Count("pk", filter=Q(classified_good)),
        reached=Sum(reached, output_field=IntegerField()),
        people=Sum(people, output_field=IntegerField()),
    )
    out: dict[str, Groups] = {m: _groups() for m in ("registered", "recognized", "classified_good")}
    out["outreach_reach"] = _groups()
    for row in rows.order_by():
        group, kind = row["group"], row["kind"]
        out["registered"][group][kind] = [row["registered"], row["total"]]
        out["recognized"][group][kind] = [row["recognized"], row["registered"]]
        out["classified_good"][group][kind] = [row["classified_good"], row["classified"]]
        out["outreach_reach"][group][kind] = [row["reached"] or 0, row["people"] or 0]
    return out


def _reach_subqueries(year: int) -> tuple[Subquery, Subquery]:
    """Per node: distinct people on the lists of its tuyên truyền sessions of the year, and the
    largest headcount of one of its headcount sessions (as `outreach.selectors.reach`)."""
    sessions = Q(
        session__node=OuterRef("pk"),
        session__kind=SessionKind.PROPAGANDA,
        session__held_on__year=year,
        session__withdrawn_at__isnull=True,
    )
    listed = (
        Attendance.objects.filter(sessions)
        .values("session__node")
        .annotate(n=Count("participant", distinct=True))
        .values("n")
    )
    largest = (
        OutreachSession.objects.filter(
            node=OuterRef("pk"),
            kind=SessionKind.PROPAGANDA,
            held_on__year=year,
            withdrawn_at__isnull=True,
            attendance_mode=AttendanceMode.HEADCOUNT,
            headcount__isnull=False,
        )
        .values("node")
        .annotate(n=Max("headcount"))
        .values("n")
    )
    return (
        Subquery(listed, output_field=IntegerField()),
        Subquery(largest, output_field=IntegerField()),
    )


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
    children = children_of(node) if children is None else children
    found = _compute(_Grouping(node, by_child=True), year)
    out: dict[int, dict[str, Figure]] = {}
    for child in children:
        out[child.pk] = {
            metric: _figure(metric, found[metric].get(child.path, {}).items()) for metric in METRIC_KEYS
        }
    return out


def year_figures(node: OrgNode, years: Sequence[int]) -> dict[int, dict[str, Figure]]:
    """`node_figures` for each year (five queries a year)."""
    return {year: node_figures(node, year) for year in years}
