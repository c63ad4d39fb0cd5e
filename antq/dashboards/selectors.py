"""The lists behind each number of a dashboard: which units of a subtree, in a year, are not
registered, not yet assessed, returned, overdue, not recognized, failing a criterion…

Filtering is done in the database (EXISTS per unit, deadlines as one condition per legal date and
per override); only the rows of one page are completed in Python (statuses, failing criteria).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from antq.cycles import calendar
from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.models import Assessment, Cycle, DeadlineOverride, Registration
from antq.dashboards.figures import ASSESSED_KINDS, GOOD_LEVELS, REGISTERED, has_cycle, population
from antq.decisions.choices import DecisionKind
from antq.decisions.models import DecisionItem
from antq.org.models import OrgNode, subtree_q

PAGE_SIZE = 50
ASSESSED = (AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED)
OWN_WORK = ("registration", "self_assessment")


def _registered(year: int) -> Exists:
    return Exists(Registration.objects.filter(node=OuterRef("pk"), cycle__year=year, status__in=REGISTERED))


def _assessed(year: int) -> Exists:
    return Exists(Assessment.objects.filter(node=OuterRef("pk"), cycle__year=year, status__in=ASSESSED))


def _recognized(year: int) -> Exists:
    return Exists(
        DecisionItem.objects.filter(
            node=OuterRef("pk"), cycle__year=year, kind=DecisionKind.RECOGNITION, in_force=True
        )
    )


def _approved(year: int) -> QuerySet[Assessment]:
    return Assessment.objects.filter(
        node=OuterRef("pk"), cycle__year=year, status=AssessmentStatus.APPROVED
    ).exclude(classification="")


def _returned(year: int) -> Q:
    return Q(
        Exists(
            Registration.objects.filter(
                node=OuterRef("pk"), cycle__year=year, status=RegistrationStatus.RETURNED
            )
        )
    ) | Q(
        Exists(
            Assessment.objects.filter(node=OuterRef("pk"), cycle__year=year, status=AssessmentStatus.RETURNED)
        )
    )


def _failing(year: int) -> Exists:
    """A sent (or returned, or approved) assessment whose stored result is "not recognized"."""
    return Exists(
        Assessment.objects.filter(node=OuterRef("pk"), cycle__year=year, recognized=False).exclude(
            status=AssessmentStatus.DRAFT
        )
    )


def past_deadline(node: OrgNode, year: int, code: str, today: dt.date) -> Q:
    """Nodes whose deadline `code` of `year` is before `today`: the legal date of their kind, or an
    override set on an ancestor (or on the subtree) for them. Their province has a cycle that year.
    One query (the overrides); the condition is then one OR per legal date and per override."""
    kinds = [k for k in ASSESSED_KINDS if calendar.rule_for(code, k) is not None]
    legal = [k for k in kinds if calendar.rule_for(code, k).date_in(year) < today]  # type: ignore[union-attr]
    parts = [Q(kind__in=legal)] if legal else []
    ancestors = [node.path[:end] for end in range(6, len(node.path), 6)]
    overrides = DeadlineOverride.objects.filter(
        Q(subtree_q(node.path, field="node__path")) | Q(node__path__in=ancestors),
        cycle__year=year,
        code=code,
        due__lt=today,
    ).values_list("node__path", "unit_kind")
    for path, unit_kind in overrides:
        # An override applies to the subtree of the node that set it.
        part = subtree_q(path) & (Q(kind=unit_kind) if unit_kind else Q(kind__in=kinds))
        parts.append(part)
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, parts) & Q(has_cycle(year))


def _overdue(node: OrgNode, year: int, today: dt.date) -> Q:
    late_registration = past_deadline(node, year, "registration", today) & ~Q(_registered(year))
    late_assessment = past_deadline(node, year, "self_assessment", today) & ~Q(_assessed(year))
    return late_registration | late_assessment


@dataclass(frozen=True)
class UnitList:
    """One list behind a number: its key (in URLs), title, and the filter on the population."""

    key: str
    title: str | Promise
    condition: Callable[[OrgNode, int, dt.date], Q]
    # Which detail columns the list shows beside the unit (failing criteria, deadlines).
    show_criteria: bool = False
    show_deadlines: bool = False


LISTS: dict[str, UnitList] = {
    item.key: item
    for item in (
        UnitList("population", _("Đơn vị thuộc diện"), lambda n, y, t: Q()),
        UnitList("registered", _("Đơn vị đã đăng ký"), lambda n, y, t: Q(_registered(y))),
        UnitList("unregistered", _("Đơn vị chưa đăng ký"), lambda n, y, t: ~Q(_registered(y))),
        UnitList(
            "unassessed",
            _("Đơn vị đã đăng ký nhưng chưa gửi tự đánh giá"),
            lambda n, y, t: Q(_registered(y)) & ~Q(_assessed(y)),
        ),
        UnitList("returned", _("Đơn vị bị trả lại (đăng ký hoặc đánh giá)"), lambda n, y, t: _returned(y)),
        UnitList("overdue", _("Đơn vị quá hạn"), _overdue, show_deadlines=True),
        UnitList(
            "recognized",
            _("Đơn vị được công nhận"),
            lambda n, y, t: Q(_registered(y)) & Q(_recognized(y)),
        ),
        UnitList(
            "unrecognized",
            _("Đơn vị đã đăng ký, chưa được công nhận"),
            lambda n, y, t: Q(_registered(y)) & ~Q(_recognized(y)),
            show_criteria=True,
        ),
        UnitList(
            "failing", _("Đơn vị không đạt tiêu chí"), lambda n, y, t: Q(_failing(y)), show_criteria=True
        ),
        UnitList("classified", _("Đơn vị đã được phân loại"), lambda n, y, t: Q(Exists(_approved(y)))),
        UnitList(
            "classified_good",
            _("Đơn vị xếp loại Khá trở lên"),
            lambda n, y, t: Q(Exists(_approved(y).filter(classification__in=GOOD_LEVELS))),
        ),
        UnitList(
            "classified_below",
            _("Đơn vị xếp loại dưới Khá"),
            lambda n, y, t: Q(Exists(_approved(y).exclude(classification__in=GOOD_LEVELS))),
            show_criteria=True,
        ),
    )
}
# The list behind each share's numerator and denominator (counts link to their own apps' lists).
METRIC_LISTS: dict[str, tuple[str, str]] = {
    "registered": ("registered", "population"),
    "recognized": ("recognized", "registered"),
    "classified_good": ("classified_good", "classified"),
}
# The list of what is still missing behind a share (the card's "chưa đạt" link).
METRIC_GAPS: dict[str, str] = {
    "registered": "unregistered",
    "recognized": "unrecognized",
    "classified_good": "classified_below",
}


@dataclass(frozen=True)
class ListFilters:
    kind: str = ""
    child: OrgNode | None = None


def unit_list(
    node: OrgNode, year: int, which: str, filters: ListFilters, today: dt.date
) -> QuerySet[OrgNode]:
    """The units of the list `which` under `node` (or the chosen child), ordered for keyset paging."""
    spec = LISTS[which]
    root = filters.child or node
    qs = population(root).filter(spec.condition(root, year, today))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.select_related("parent").order_by("search_text", "pk")


def child_of(node: OrgNode, pk: int | str | None) -> OrgNode | None:
    """A node of `node`'s subtree (below it) chosen as a list filter, or None."""
    if not pk:
        return None
    try:
        return OrgNode.objects.filter(subtree_q(node.path), depth__gt=node.depth).get(pk=int(pk))
    except (OrgNode.DoesNotExist, ValueError, TypeError):
        return None


class Deadline(NamedTuple):
    code: str  # a cycles.calendar deadline code: "registration", "self_assessment"
    label: str
    due: dt.date


@dataclass
class UnitRow:
    """A row of a list: the unit and what the year's records say about it."""

    node: OrgNode
    registration: str = ""  # status label
    assessment: str = ""
    classification: str = ""
    return_reason: str = ""
    failing: list[tuple[str, str]] = field(default_factory=list)  # (criterion id, text)
    deadlines: list[Deadline] = field(default_factory=list)

    def due(self, code: str) -> dt.date | None:
        """The deadline `code` of the row ("" when the unit's kind has no such deadline)."""
        return next((d.due for d in self.deadlines if d.code == code), None)


def failing_criteria(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The TT 124 criteria an engine result says the unit fails: (id, text)."""
    criteria = (result.get("tt124") or {}).get("criteria") or []
    return [
        (str(c.get("id", "")), str(c.get("text_vi", "")))
        for c in criteria
        if isinstance(c, dict) and c.get("status") == "failed"
    ]


LEVEL_LABELS = {"xuat_sac": "Xuất sắc", "kha": "Khá", "trung_binh": "Trung bình", "yeu": "Yếu"}


def rows_for(nodes: list[OrgNode], year: int, *, with_deadlines: bool = False) -> list[UnitRow]:
    """Complete one page of units with their registration and assessment of the year (two queries;
    three with the deadlines)."""
    registrations = {
        r.node_id: r
        for r in Registration.objects.filter(node__in=nodes, cycle__year=year).only(
            "node_id", "status", "return_reason"
        )
    }
    assessments = {
        a.node_id: a
        for a in Assessment.objects.filter(node__in=nodes, cycle__year=year).only(
            "node_id", "status", "result", "classification", "return_reason"
        )
    }
    reg_labels = dict(RegistrationStatus.choices)
    ass_labels = dict(AssessmentStatus.choices)
    rows = []
    for node in nodes:
        reg, ass = registrations.get(node.pk), assessments.get(node.pk)
        reason = ""
        if reg is not None and reg.status == RegistrationStatus.RETURNED:
            reason = reg.return_reason
        if ass is not None and ass.status == AssessmentStatus.RETURNED:
            reason = ass.return_reason
        rows.append(
            UnitRow(
                node=node,
                registration=str(reg_labels.get(reg.status, reg.status)) if reg else "",
                assessment=str(ass_labels.get(ass.status, ass.status)) if ass else "",
                classification=LEVEL_LABELS.get(ass.classification, ass.classification) if ass else "",
                return_reason=reason,
                failing=failing_criteria(ass.result or {}) if ass else [],
            )
        )
    if with_deadlines:
        _add_deadlines(rows, year)
    return rows


def _add_deadlines(rows: list[UnitRow], year: int) -> None:
    """The registration and self-assessment deadlines of each row (overrides read in one query)."""
    if not rows:
        return
    provinces = {row.node.path[: calendar.PROVINCE_PATH_LENGTH] for row in rows}
    cycles = {
        c.province.path: c
        for c in Cycle.objects.filter(year=year, province__path__in=provinces).select_related("province")
    }
    overrides = list(
        DeadlineOverride.objects.filter(cycle__in=list(cycles.values()), code__in=OWN_WORK).select_related(
            "node"
        )
    )
    for row in rows:
        cycle = cycles.get(row.node.path[: calendar.PROVINCE_PATH_LENGTH])
        if cycle is None:
            continue
        mine = [o for o in overrides if o.cycle_id == cycle.pk and row.node.path.startswith(o.node.path)]
        for code in OWN_WORK:
            item = calendar.deadline(cycle, row.node, code, overrides=mine)
            if item is not None:
                row.deadlines.append(Deadline(code, str(item.label), item.due))
