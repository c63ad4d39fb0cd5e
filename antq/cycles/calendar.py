"""The deadline calendar: legal defaults as data (`data/calendar.yaml`), brought forward per subtree.

A deadline for a node is the earliest of the legal default for its kind and every override set on
the node or an ancestor (a province or a commune may only bring dates forward for its subtree).
`pending_obligations` lists what is still to be done, for the daily reminders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from antq.cycles.choices import AssessmentStatus, CycleStatus, RegistrationStatus
from antq.cycles.models import Assessment, Cycle, DeadlineOverride, Registration
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import SEGMENT_WIDTH, OrgNode, subtree_q

DATA = Path(__file__).with_name("data") / "calendar.yaml"
PROVINCE_PATH_LENGTH = 2 * SEGMENT_WIDTH  # nation segment + province segment


@dataclass(frozen=True)
class DeadlineRule:
    """One legal default: `code` is due on `due` (MM-DD) for the node kinds in `applies_to`."""

    code: str
    label: str
    due: str
    applies_to: tuple[str, ...]
    action: str
    remind_days: tuple[int, ...]
    basis: str

    def date_in(self, year: int) -> dt.date:
        month, day = (int(x) for x in self.due.split("-"))
        return dt.date(year, month, day)


@dataclass(frozen=True)
class Deadline:
    """A deadline as it applies to one node: the date, and who set it (the law or a superior)."""

    code: str
    label: str
    due: dt.date
    legal_due: dt.date
    basis: str
    set_by_node: str  # name of the node that brought it forward; "" for the legal default
    reason: str
    action: str
    remind_days: tuple[int, ...]

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days


@dataclass(frozen=True)
class Obligation:
    """Something a node must still do before a deadline (the daily reminders read these)."""

    node_id: int
    node_path: str
    node_name: str
    deadline_code: str
    label: str
    due: dt.date
    action: str
    remind_days: tuple[int, ...]
    url: str


@cache
def rules() -> tuple[DeadlineRule, ...]:
    raw: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return tuple(
        DeadlineRule(
            code=row["code"],
            label=row["label"],
            due=row["due"],
            applies_to=tuple(row["applies_to"]),
            action=row["action"],
            remind_days=tuple(row.get("remind_days", ())),
            basis=row.get("basis", ""),
        )
        for row in raw["deadlines"]
    )


def rule_for(code: str, kind: str) -> DeadlineRule | None:
    return next((r for r in rules() if r.code == code and kind in r.applies_to), None)


def province_path(node: OrgNode) -> str | None:
    return node.path[:PROVINCE_PATH_LENGTH] if len(node.path) >= PROVINCE_PATH_LENGTH else None


def cycle_for(node: OrgNode, year: int) -> Cycle | None:
    path = province_path(node)
    if path is None:
        return None
    return Cycle.objects.filter(province__path=path, year=year).select_related("province").first()


def _ancestor_paths(node: OrgNode) -> list[str]:
    return [node.path[:end] for end in range(SEGMENT_WIDTH, len(node.path) + 1, SEGMENT_WIDTH)]


def overrides_above(cycle: Cycle, node: OrgNode) -> list[DeadlineOverride]:
    """Overrides set on the node or any ancestor (one query)."""
    return list(
        DeadlineOverride.objects.filter(cycle=cycle, node__path__in=_ancestor_paths(node)).select_related(
            "node"
        )
    )


def deadline(
    cycle: Cycle,
    node: OrgNode,
    code: str,
    *,
    kind: str | None = None,
    overrides: list[DeadlineOverride] | None = None,
) -> Deadline | None:
    """The deadline `code` for `node` (as a node of `kind`, default its own) in `cycle`."""
    kind = kind or node.kind
    rule = rule_for(code, kind)
    if rule is None:
        return None
    legal = rule.date_in(cycle.year)
    best: DeadlineOverride | None = None
    for override in overrides if overrides is not None else overrides_above(cycle, node):
        if override.code != code or override.unit_kind not in {"", kind}:
            continue
        if override.due < legal and (best is None or override.due < best.due):
            best = override
    return Deadline(
        code=code,
        label=rule.label,
        due=best.due if best else legal,
        legal_due=legal,
        basis=rule.basis,
        set_by_node=best.node.name if best else "",
        reason=best.reason if best else "",
        action=rule.action,
        remind_days=rule.remind_days,
    )


def kinds_below(node: OrgNode) -> list[str]:
    """The node kinds whose deadlines matter to someone working on `node`."""
    if node.kind in UNIT_KINDS:
        return [node.kind]
    if node.kind == NodeKind.COMMUNE:
        return [NodeKind.COMMUNE, *sorted(UNIT_KINDS)]
    return [NodeKind.COMMUNE, *sorted(UNIT_KINDS)]


def calendar(cycle: Cycle, node: OrgNode) -> list[Deadline]:
    """Every deadline that applies at or below `node`, earliest first, one per (code, date)."""
    overrides = overrides_above(cycle, node)
    seen: dict[tuple[str, dt.date], Deadline] = {}
    for kind in kinds_below(node):
        for rule in rules():
            if kind not in rule.applies_to:
                continue
            item = deadline(cycle, node, rule.code, kind=kind, overrides=overrides)
            if item is not None:
                seen.setdefault((item.code, item.due), item)
    return sorted(seen.values(), key=lambda d: (d.due, d.code))


def next_due(node: OrgNode, today: dt.date) -> tuple[Cycle, Deadline] | None:
    """The next deadline at or below `node` in this year's cycle (for the banner on every screen)."""
    cycle = cycle_for(node, today.year)
    if cycle is None or cycle.status != CycleStatus.OPEN:
        return None
    items = calendar(cycle, node)
    done: set[str] = set()
    if node.kind in UNIT_KINDS:
        # A unit's own work past its date comes first ("quá hạn"), then the next date still ahead.
        done = _done_codes(cycle, node)
        overdue = [d for d in items if d.code in OWN_WORK and d.code not in done and d.due < today]
        if overdue:
            return cycle, overdue[0]
    upcoming = [d for d in items if d.due >= today and d.code not in done]
    return (cycle, upcoming[0]) if upcoming else None


# Deadlines for work the unit itself does (the others are its superiors' decisions).
OWN_WORK = {"registration", "self_assessment"}


def _done_codes(cycle: Cycle, node: OrgNode) -> set[str]:
    """Which of the unit's own deadlines it has met (registration sent, self-assessment sent)."""
    done = set()
    sent = [RegistrationStatus.SUBMITTED, RegistrationStatus.ACCEPTED]
    if Registration.objects.filter(cycle=cycle, node=node, status__in=sent).exists():
        done.add("registration")
    assessed = [AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED]
    if Assessment.objects.filter(cycle=cycle, node=node, status__in=assessed).exists():
        done.add("self_assessment")
    return done


def pending_obligations(on: dt.date) -> list[Obligation]:
    """What every node in every open cycle still has to do for the registration and the
    self-assessment (their holders get reminders and overdue notices), and what reviewers still
    have to approve before the recognition deadline."""
    found: list[Obligation] = []
    for cycle in Cycle.objects.filter(status=CycleStatus.OPEN).select_related("province"):
        overrides = list(DeadlineOverride.objects.filter(cycle=cycle).select_related("node"))
        by_path: dict[str, list[DeadlineOverride]] = {}
        for override in overrides:
            by_path.setdefault(override.node.path, []).append(override)
        registered = Registration.objects.filter(
            cycle=cycle,
            node=OuterRef("pk"),
            status__in=[RegistrationStatus.SUBMITTED, RegistrationStatus.ACCEPTED],
        )
        assessed = Assessment.objects.filter(
            cycle=cycle,
            node=OuterRef("pk"),
            status__in=[AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED],
        )
        candidates = (
            OrgNode.objects.filter(subtree_q(cycle.province.path), is_active=True, exclusion_code="")
            .filter(Q(kind__in=UNIT_KINDS) | Q(kind=NodeKind.COMMUNE))
            .annotate(registered=Exists(registered), assessed=Exists(assessed))
            .filter(Q(registered=False) | Q(assessed=False))
            .only("pk", "path", "name", "kind")
        )
        for node in candidates.iterator(chunk_size=2000):
            mine = [o for p in _ancestor_paths(node) for o in by_path.get(p, ())]
            for code, done in (("registration", node.registered), ("self_assessment", node.assessed)):  # type: ignore[attr-defined]
                if done:
                    continue
                item = deadline(cycle, node, code, overrides=mine)
                if item is None:
                    continue
                found.append(
                    Obligation(
                        node_id=node.pk,
                        node_path=node.path,
                        node_name=node.name,
                        deadline_code=code,
                        label=_("%(label)s năm %(year)s") % {"label": item.label, "year": cycle.year},
                        due=item.due,
                        action=item.action,
                        remind_days=item.remind_days,
                        url=reverse("cycles:unit_year", kwargs={"node": node.pk, "year": cycle.year}),
                    )
                )
    return found
