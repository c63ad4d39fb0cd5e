"""Reads of the inspections app: the list, one inspection with its checklist and findings, the open
and overdue findings, and a province's count against its target. Each is a fixed number of queries.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.inspections.choices import DONE_STATUSES, FindingStatus
from antq.inspections.models import Finding, FindingUpdate, Inspection, InspectionTarget
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode, subtree_q

# --- The list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectionFilters:
    within: OrgNode | None = None  # the user's current node: inspections of its subtree
    node: OrgNode | None = None  # a commune or unit chosen in the filter (its subtree)
    year: int | None = None  # calendar year of the inspection date
    status: str = ""


def _year_q(year: int, field_name: str = "inspected_on") -> Q:
    # A range rather than __year, so that the date index serves it.
    return Q(**{f"{field_name}__gte": dt.date(year, 1, 1), f"{field_name}__lt": dt.date(year + 1, 1, 1)})


def inspection_list(*, scope: Scope, filters: InspectionFilters, today: dt.date) -> QuerySet[Inspection]:
    """Inspections the user sees, filtered, newest first, with their open and overdue finding
    counts (one query per page)."""
    qs = Inspection.objects.filter(scope.q(Action.VIEW, field="node__path"))
    for node in (filters.within, filters.node):
        if node is not None:
            qs = qs.filter(subtree_q(node.path, field="node__path"))
    if filters.year:
        qs = qs.filter(_year_q(filters.year))
    if filters.status:
        qs = qs.filter(status=filters.status)
    open_q = Q(findings__status=FindingStatus.OPEN)
    return (
        qs.select_related("node", "node__parent", "inspector_node")
        .annotate(
            open_findings=Count("findings", filter=open_q),
            overdue_findings=Count("findings", filter=open_q & Q(findings__due_on__lt=today)),
        )
        .order_by("-inspected_on", "-id")
    )


@dataclass
class InspectionPage:
    items: list[Inspection]
    next_token: str | None
    prev_token: str | None


def _encode(row: Inspection) -> str:
    raw = json.dumps([row.inspected_on.isoformat(), row.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str) -> tuple[dt.date, int] | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        day, pk = json.loads(raw)
        return dt.date.fromisoformat(day), int(pk)
    except (ValueError, TypeError):
        return None


def inspection_page(
    qs: QuerySet[Inspection], *, after: str = "", before: str = "", size: int = 50
) -> InspectionPage:
    """One page of `inspection_list` (newest first) after or before a cursor; no OFFSET."""
    cursor_after = _decode(after) if after else None
    cursor_before = _decode(before) if before and not cursor_after else None
    if cursor_before:
        day, pk = cursor_before
        newer = qs.filter(Q(inspected_on__gte=day), Q(inspected_on__gt=day) | Q(pk__gt=pk))
        rows = list(newer.order_by("inspected_on", "id")[: size + 1])
        items = list(reversed(rows[:size]))
        return InspectionPage(
            items,
            _encode(items[-1]) if items else None,
            _encode(items[0]) if items and len(rows) > size else None,
        )
    if cursor_after:
        day, pk = cursor_after
        qs = qs.filter(Q(inspected_on__lte=day), Q(inspected_on__lt=day) | Q(pk__lt=pk))
    rows = list(qs[: size + 1])
    items = rows[:size]
    return InspectionPage(
        items,
        _encode(items[-1]) if len(rows) > size else None,
        _encode(items[0]) if cursor_after and items else None,
    )


def filter_nodes(within: OrgNode | None) -> list[OrgNode]:
    """Nodes to offer in the list's filter: the communes of a province, or the units of a commune."""
    if within is None:
        return []
    if within.kind in {NodeKind.PROVINCE, NodeKind.DISTRICT}:
        qs = OrgNode.objects.filter(kind=NodeKind.COMMUNE).current().in_subtree(within)
    elif within.kind == NodeKind.COMMUNE:
        qs = OrgNode.objects.filter(parent=within, kind__in=UNIT_KINDS)
    else:
        return []
    return list(qs.only("id", "name", "kind").order_by("search_text"))


# --- One inspection ------------------------------------------------------------------------------


def findings_of(inspection: Inspection) -> list[Finding]:
    """The inspection's findings, due date first, each with its follow-up log (two queries)."""
    updates = FindingUpdate.objects.select_related("by").order_by("at", "id")
    return list(
        inspection.findings.select_related("created_by")
        .prefetch_related(Prefetch("updates", queryset=updates))
        .order_by("due_on", "id")
    )


# --- Findings across inspections -----------------------------------------------------------------


@dataclass(frozen=True)
class FindingFilters:
    within: OrgNode | None = None
    status: str = ""
    overdue: bool = False
    year: int | None = None  # year of the inspection


def finding_list(*, scope: Scope, filters: FindingFilters, today: dt.date) -> QuerySet[Finding]:
    """Findings of inspections the user sees, by due date (overdue first)."""
    qs = Finding.objects.filter(scope.q(Action.VIEW, field="inspection__node__path"))
    if filters.within is not None:
        qs = qs.filter(subtree_q(filters.within.path, field="inspection__node__path"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(status=FindingStatus.OPEN, due_on__lt=today)
    if filters.year:
        qs = qs.filter(_year_q(filters.year, "inspection__inspected_on"))
    return qs.select_related(
        "inspection", "inspection__node", "inspection__node__parent", "created_by"
    ).order_by("due_on", "id")


# --- A province against its target -------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneCount:
    commune: OrgNode
    done: int  # by the province, concluded or closed: counts against the target
    running: int  # by the province, planned or in progress
    own_done: int  # the commune police's own inspections of their units (never count for the province)
    own_running: int
    open_findings: int  # of every inspection in the commune, whoever led it
    overdue_findings: int


@dataclass
class TargetProgress:
    province: OrgNode
    year: int
    target: InspectionTarget | None
    done: int
    rows: list[CommuneCount] = field(default_factory=list)

    @property
    def remaining(self) -> int | None:
        if self.target is None:
            return None
        return max(self.target.count - self.done, 0)

    @property
    def percent(self) -> int | None:
        if self.target is None or self.target.count == 0:
            return None
        return min(round(100 * self.done / self.target.count), 999)


def target_progress(*, province: OrgNode, year: int, today: dt.date) -> TargetProgress:
    """Inspections the province conducted (its own level is the inspecting level) and concluded or
    closed in `year`, against its target, with one row per commune: the province's inspections there,
    and, apart, the commune police's own inspections, which never count for the province.

    Communes no longer in force (merged) stay listed when they have inspections that year, so that
    what was done before a merger still counts. One grouped query over the communes; two in all."""
    rel = "inspections_in_commune"
    in_year = _year_q(year, f"{rel}__inspected_on")
    done = Q(**{f"{rel}__status__in": sorted(DONE_STATUSES)})
    by_province = Q(**{f"{rel}__inspector_node": province})
    open_q = in_year & Q(**{f"{rel}__findings__status": FindingStatus.OPEN})
    communes = (
        OrgNode.objects.filter(kind=NodeKind.COMMUNE)
        .filter(subtree_q(province.path))
        .annotate(
            any_in_year=Count(rel, filter=in_year, distinct=True),
            done=Count(rel, filter=in_year & by_province & done, distinct=True),
            running=Count(rel, filter=in_year & by_province & ~done, distinct=True),
            own_done=Count(rel, filter=in_year & ~by_province & done, distinct=True),
            own_running=Count(rel, filter=in_year & ~by_province & ~done, distinct=True),
            open_findings=Count(f"{rel}__findings", filter=open_q, distinct=True),
            overdue_findings=Count(
                f"{rel}__findings",
                filter=open_q & Q(**{f"{rel}__findings__due_on__lt": today}),
                distinct=True,
            ),
        )
        .filter(Q(valid_to__isnull=True) | Q(any_in_year__gt=0))
        .only("id", "name", "path", "kind", "search_text", "valid_to")
        .order_by("search_text", "id")
    )
    rows = [
        CommuneCount(
            commune=c,
            done=c.done,  # type: ignore[attr-defined]
            running=c.running,  # type: ignore[attr-defined]
            own_done=c.own_done,  # type: ignore[attr-defined]
            own_running=c.own_running,  # type: ignore[attr-defined]
            open_findings=c.open_findings,  # type: ignore[attr-defined]
            overdue_findings=c.overdue_findings,  # type: ignore[attr-defined]
        )
        for c in communes
    ]
    target = InspectionTarget.objects.filter(province=province, year=year).first()
    return TargetProgress(
        province=province, year=year, target=target, done=sum(r.done for r in rows), rows=rows
    )
