"""Reads of the incident register, and what the register feeds into the rules engine.

`incidents_for_facts`, `evaluation_window` and `incident_effects` are the contract with the cycles
app: the first gives the `incidents` of a fact sheet (docs/engine.md), the second the window they are
taken from, the third explains, incident by incident, what the engine does with them. The window and
the effects come from the engine itself run on the stored framework versions
(`criteria.evaluation.stored_library`), so the register cannot tell a different story than the
evaluation.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.core.errors import DomainError
from antq.criteria.engine import FactsError, Library, evaluate, parse_facts
from antq.criteria.engine.incidents import excusing_flags, in_window
from antq.criteria.engine.schema import ScoreSheet, TT124Framework
from antq.criteria.evaluation import FrameworksNotLoaded, stored_library
from antq.incidents.catalogue import type_labels
from antq.incidents.choices import IncidentSource, IncidentStatus
from antq.incidents.models import Incident
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode, subtree_q

# --- The register ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentFilters:
    within: OrgNode | None = None  # the user's current node: incidents of its subtree
    node: OrgNode | None = None  # a unit or a commune chosen in the filter (its subtree)
    incident_type: str = ""
    year: int | None = None  # calendar year of the date of occurrence
    include_withdrawn: bool = False


def incident_list(*, scope: Scope, filters: IncidentFilters) -> QuerySet[Incident]:
    """Current revisions the user sees, filtered, newest first (keyset pages on date and id)."""
    qs = Incident.objects.filter(is_current=True).filter(scope.q(Action.VIEW, field="node__path"))
    for node in (filters.within, filters.node):
        if node is not None:
            qs = qs.filter(subtree_q(node.path, field="node__path"))
    if not filters.include_withdrawn:
        qs = qs.filter(status=IncidentStatus.ACTIVE)
    if filters.incident_type:
        qs = qs.filter(incident_type=filters.incident_type)
    if filters.year:
        # A range rather than __year, so that the date index serves it.
        qs = qs.filter(
            occurred_on__gte=dt.date(filters.year, 1, 1), occurred_on__lt=dt.date(filters.year + 1, 1, 1)
        )
    return qs.select_related("node", "node__parent", "recorded_by").order_by("-occurred_on", "-id")


@dataclass
class IncidentPage:
    items: list[Incident]
    next_token: str | None
    prev_token: str | None


def _encode(row: Incident) -> str:
    raw = json.dumps([row.occurred_on.isoformat(), row.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str) -> tuple[dt.date, int] | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        day, pk = json.loads(raw)
        return dt.date.fromisoformat(day), int(pk)
    except (ValueError, TypeError):
        return None


def incident_page(
    qs: QuerySet[Incident], *, after: str = "", before: str = "", size: int = 50
) -> IncidentPage:
    """One page of `incident_list` (newest first) after or before a cursor; no OFFSET."""
    cursor_after = _decode(after) if after else None
    cursor_before = _decode(before) if before and not cursor_after else None
    if cursor_before:
        day, pk = cursor_before
        newer = qs.filter(Q(occurred_on__gte=day), Q(occurred_on__gt=day) | Q(pk__gt=pk))
        rows = list(newer.order_by("occurred_on", "id")[: size + 1])
        items = list(reversed(rows[:size]))
        return IncidentPage(
            items,
            _encode(items[-1]) if items else None,
            _encode(items[0]) if items and len(rows) > size else None,
        )
    if cursor_after:
        day, pk = cursor_after
        # The redundant `<=` gives the planner an index range; the OR alone forces a scan.
        qs = qs.filter(Q(occurred_on__lte=day), Q(occurred_on__lt=day) | Q(pk__lt=pk))
    rows = list(qs[: size + 1])
    items = rows[:size]
    return IncidentPage(
        items,
        _encode(items[-1]) if len(rows) > size else None,
        _encode(items[0]) if cursor_after and items else None,
    )


def current_revision(incident: Incident) -> Incident:
    """The revision of the incident's series that stands now (the one services act on)."""
    if incident.is_current:
        return incident
    return (
        Incident.objects.select_related("node", "node__parent", "recorded_by")
        .filter(series=incident.series, is_current=True)
        .get()
    )


# --- One incident's history ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Revision:
    """One row of the history: the revision, and what it changed from the one before."""

    row: Incident
    changes: tuple[FieldChange, ...]
    # The revision before it is not shown (recorded against a node out of the reader's scope): its
    # changes are not either, they would tell that revision's facts.
    follows_hidden: bool = False


def _shown(row: Incident, name: str, labels: dict[str, str]) -> str:
    value = getattr(row, name)
    if name == "node":
        return str(row.node.name)
    if name == "incident_type":
        return labels.get(str(value), str(value))
    if name == "occurred_on":
        return f"{value:%d/%m/%Y}"
    if name == "source":
        return str(IncidentSource(value).label) if value in IncidentSource.values else str(value)
    if name == "status":
        return str(IncidentStatus(value).label)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return str(value)


def _field_label(name: str) -> str:
    field = Incident._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


HISTORY_FIELDS = (
    "node",
    "incident_type",
    "occurred_on",
    "place",
    "summary",
    "force_majeure",
    "timely_handled",
    "source",
    "status",
)


def incident_revisions(
    incident: Incident, labels: dict[str, str] | None = None, *, scope: Scope | None = None
) -> list[Revision]:
    """The revisions of the incident's series, oldest first, each with its changes; one query.

    With `scope`, only the revisions recorded against a node the reader sees: an incident moved from
    (or through) a node out of scope keeps that revision's facts to those who see it, and the change
    from a hidden revision is not shown (`follows_hidden`)."""
    labels = type_labels() if labels is None else labels
    rows = list(
        Incident.objects.filter(series=incident.series)
        .select_related("node", "recorded_by")
        .order_by("revision")
    )
    out: list[Revision] = []
    previous: Incident | None = None
    hidden = False
    for row in rows:
        if scope is not None and not scope.sees(row.node):
            previous, hidden = row, True
            continue
        changes: list[FieldChange] = []
        if previous is not None and not hidden:
            for name in HISTORY_FIELDS:
                old, new = _shown(previous, name, labels), _shown(row, name, labels)
                if old != new or (name == "node" and previous.node_id != row.node_id):
                    changes.append(FieldChange(_field_label(name), old, new))
        out.append(Revision(row, tuple(changes), follows_hidden=hidden))
        previous, hidden = row, False
    return out


# --- Feeding the engine -------------------------------------------------------------------------

ENGINE_UNIT_TYPES: frozenset[str] = UNIT_KINDS | {NodeKind.COMMUNE}


def _unit_type(node: OrgNode) -> str:
    """The engine's unit type of a node (the node kinds are spelled like the engine's types)."""
    if node.kind not in ENGINE_UNIT_TYPES:
        raise DomainError(
            _(
                "Chỉ đánh giá đơn vị (khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục) "
                "hoặc xã, phường, đặc khu."
            )
        )
    return str(node.kind)


def _window_rows(node: OrgNode, start: dt.date, end: dt.date) -> list[Incident]:
    """Current, standing incidents of the node in [start, end]; for a commune with those of every
    unit under it (TT 124 XA.2 judges the whole commune). One query."""
    where = subtree_q(node.path, field="node__path") if node.kind == NodeKind.COMMUNE else Q(node=node)
    return list(
        Incident.objects.filter(
            where,
            is_current=True,
            status=IncidentStatus.ACTIVE,
            occurred_on__gte=start,
            occurred_on__lte=end,
        )
        .select_related("node")
        .order_by("occurred_on", "id")
    )


def _fact(row: Incident) -> dict[str, Any]:
    return {
        "id": str(row.pk),
        "type": row.incident_type,
        "date": row.occurred_on.isoformat(),
        "force_majeure": row.force_majeure,
        "timely_handled": row.timely_handled,
        "description": f"{row.place}: {row.summary}",
        "unit": row.node.name,
    }


def incidents_for_facts(*, node: OrgNode, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The `incidents` of the node's fact sheet for the window [start, end] (both days included).

    Each entry: `type`, `date` (ISO), `force_majeure`, `timely_handled`, and informational `id` (the
    revision's primary key, as a string), `description` ("place: summary") and `unit` (the name of the
    node it was recorded against). Only current, not withdrawn revisions. For a commune: the incidents
    of the commune and of every unit under it. One query.
    """
    return [_fact(row) for row in _window_rows(node, start, end)]


def _tt124(node: OrgNode, year: int) -> tuple[Library, TT124Framework, str]:
    """The engine library the evaluation of `node` for `year` uses, and its TT 124 version."""
    unit_type = _unit_type(node)
    library = stored_library({"unit": {"type": unit_type}, "year": year}, province=node)
    framework = library.tt124_for(year, None, unit_type)
    if framework is None:
        raise FrameworksNotLoaded(
            _("Không có bộ tiêu chí TT 124 nào áp dụng cho năm %(year)s: hãy chạy `antq load_frameworks`.")
            % {"year": year}
        )
    return library, framework, unit_type


def evaluation_window(*, node: OrgNode, year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the node's evaluation window for `year` (TT 124 Điều 8.2, as stored):
    01/11 of the year before – 31/10 for a residential area, 16/11 – 15/11 for the others. The TT 124
    version is the one the engine would use (in force on the window's last day, province variant
    first). Raises `FrameworksNotLoaded` when no version is stored."""
    _library, framework, unit_type = _tt124(node, year)
    return framework.window_for(unit_type).for_year(year)


def evaluation_year(*, node: OrgNode, on: dt.date) -> int:
    """The evaluation year whose window contains the day `on` (e.g. 05/11/2024 is in a residential
    area's 2025 window, and in a commune's 2024 window)."""
    year = on.year
    start, end = evaluation_window(node=node, year=year)
    if on > end:
        return year + 1
    if on < start:
        return year - 1
    return year


@dataclass(frozen=True)
class AffectedItem:
    """A TT 124 criterion or sub-item, or a QĐ 510 sheet item, that an incident touches."""

    id: str
    label: str


@dataclass(frozen=True)
class IncidentEffect:
    """What the engine does with one incident of the window, in words a unit officer reads.

    `status` is the engine's: "counted" (fails `criteria`), "excused" (would fail `criteria`, but an
    excuse the law accepts for the type is set), "not_applicable" (no TT 124 criterion of this unit
    type lists the type). `sheet_items` are the QĐ 510 items that get no points because of it.
    `reasons` are Vietnamese sentences: the engine's reason first.
    """

    incident: Incident
    type_label: str
    status: str
    criteria: tuple[AffectedItem, ...]
    sheet_items: tuple[AffectedItem, ...]
    reasons: tuple[str, ...]
    refused_flags: tuple[str, ...]  # excuse flags set on the incident that its type does not accept

    @property
    def excused(self) -> bool:
        return self.status == "excused"

    @property
    def fails(self) -> bool:
        """Whether the incident costs the unit something (a criterion, or points)."""
        return self.status == "counted" or bool(self.sheet_items)


def _criterion_labels(framework: TT124Framework, unit_type: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for criterion in framework.criteria_for(unit_type).criteria:
        labels[criterion.id] = criterion.text_vi
        for sub in criterion.sub_items:
            text = sub.text_vi
            if not text and sub.incidents:
                kinds = [framework.incident_types[c].label_vi for c in sub.incidents]
                text = _("Không để xảy ra: %(what)s") % {"what": "; ".join(kinds)}
            labels[criterion.sub_item_id(sub)] = text or criterion.text_vi
    return labels


def _sheet_links(sheet: ScoreSheet) -> list[tuple[AffectedItem, tuple[str, ...]]]:
    """Every leaf of the sheet linked to incident types, with those types."""
    out: list[tuple[AffectedItem, tuple[str, ...]]] = []
    for item in sheet.items:
        if item.linked_incidents:
            out.append((AffectedItem(item.id, item.label_vi), item.linked_incidents))
        for sub in item.sub_items:
            if sub.linked_incidents:
                out.append((AffectedItem(item.sub_item_id(sub), sub.label_vi), sub.linked_incidents))
    return out


def incident_effects(*, node: OrgNode, year: int) -> list[IncidentEffect]:
    """For each incident of the node's window for `year` (see `incidents_for_facts`), the TT 124
    criteria it fails or would fail, whether it is excused and why, and the QĐ 510 items it zeroes.

    The engine is run on a fact sheet holding only these incidents, with the stored framework
    versions the evaluation uses; its per-incident verdicts are read back, and the QĐ 510 link uses
    the engine's own rule (in the window and not excused by an accepted flag). An excluded unit
    (TT 124 Điều 1) is not scored: no sheet items. Raises `FrameworksNotLoaded` when nothing is
    stored, `DomainError` for a node that is not evaluated or an incident the version rejects.
    """
    library, framework, unit_type = _tt124(node, year)
    window = framework.window_for(unit_type).for_year(year)
    rows = _window_rows(node, *window)
    if not rows:
        return []
    unit: dict[str, Any] = {"type": unit_type, "name": node.name}
    if node.exclusion_code and node.exclusion_code in framework.exclusions:
        unit["exclusion"] = node.exclusion_code
    document = {"unit": unit, "year": year, "incidents": [_fact(row) for row in rows]}
    try:
        facts = parse_facts(document, library)
    except FactsError as exc:
        raise DomainError(
            _("Dữ liệu vụ việc không dùng được với bộ tiêu chí TT 124 phiên bản %(v)s: %(problems)s")
            % {"v": framework.version, "problems": "; ".join(f"{p.path}: {p.message}" for p in exc.problems)}
        ) from exc
    result = evaluate(facts, library)
    criterion_labels = _criterion_labels(framework, unit_type)
    sheet = library.sheet_for(unit_type, year, on=window[1]) if result.qd510 is not None else None
    links = _sheet_links(sheet) if sheet is not None else []
    by_index = {verdict.index: verdict for verdict in result.incidents}
    effects: list[IncidentEffect] = []
    for parsed, row in zip(facts.incidents, rows, strict=True):
        verdict = by_index[parsed.index]
        blocking = in_window(parsed, window) and not excusing_flags(parsed, framework)
        zeroed = tuple(item for item, types in links if blocking and parsed.type in types)
        reasons = [verdict.reason]
        if zeroed:
            reasons.append(
                _("QĐ 510: không được điểm mục %(items)s.") % {"items": ", ".join(i.id for i in zeroed)}
            )
        allowed = framework.incident_types[parsed.type].excused_by
        refused = tuple(
            framework.excuse_flags[flag]
            for flag in framework.excuse_flags
            if flag in parsed.flags and flag not in allowed
        )
        effects.append(
            IncidentEffect(
                incident=row,
                type_label=verdict.label_vi,
                status=verdict.status,
                criteria=tuple(AffectedItem(cid, criterion_labels.get(cid, "")) for cid in verdict.criteria),
                sheet_items=zeroed,
                reasons=tuple(reasons),
                refused_flags=refused,
            )
        )
    return effects


def filter_nodes(within: OrgNode | None) -> list[OrgNode]:
    """Nodes to offer in the register's unit filter: the communes of a province, or the units of a
    commune (a few hundred at most); one query."""
    if within is None:
        return []
    if within.kind in {NodeKind.PROVINCE, NodeKind.DISTRICT}:
        qs = OrgNode.objects.filter(kind=NodeKind.COMMUNE).current().in_subtree(within)
    elif within.kind == NodeKind.COMMUNE:
        qs = OrgNode.objects.filter(parent=within, kind__in=UNIT_KINDS)
    else:
        return []
    return list(qs.only("id", "name", "kind").order_by("search_text"))
