"""Direct counts over the records, written independently of `antq.dashboards.figures`: load every
row into Python and count, unit by unit, following the definitions of plans/data/metrics.yaml and
docs/reports.md. Slow on purpose, and obviously right.

Where it can, it reads the definitions from their sources rather than from the implementation:
the "good" initiative ratings from antq/initiatives/data/ratings.yaml (`effective: true`), a
recognition from its decision's status (issued), not from the item's `in_force` flag."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from antq.cycles.models import Assessment, Registration
from antq.decisions.models import DecisionItem
from antq.initiatives.models import Initiative, InitiativeEvaluation
from antq.inspections.models import Inspection
from antq.org.models import OrgNode
from antq.outreach.models import Attendance, OutreachSession

ASSESSED = {"commune", "residential_area", "agency", "enterprise", "school"}
UNITS = {"residential_area", "agency", "enterprise", "school"}
RATINGS = Path(__file__).resolve().parents[2] / "antq" / "initiatives" / "data" / "ratings.yaml"


def good_ratings() -> set[str]:
    levels = yaml.safe_load(RATINGS.read_text(encoding="utf-8"))["levels"]
    return {level["code"] for level in levels if level["effective"] is True}


def counted(node: OrgNode) -> bool:
    """docs/reports.md: records count for nodes in force; a unit also active and not excluded."""
    if node.valid_to is not None:
        return False
    return node.kind not in UNITS or (node.is_active and node.exclusion_code == "")


def naive_figures(root: OrgNode, year: int) -> dict[str, dict[str, Any]]:
    """metric -> {"total": (num, den), kind: (num, den)} over the subtree of `root`."""
    nodes = {n.pk: n for n in OrgNode.objects.all()}

    def inside(node_id: int) -> bool:
        node = nodes[node_id]
        return node.path.startswith(root.path) and counted(node)

    population = [n for n in nodes.values() if inside(n.pk) and n.kind in ASSESSED and n.is_active]
    registered = {
        r.node_id
        for r in Registration.objects.select_related("cycle")
        if r.cycle.year == year and r.status in ("submitted", "accepted")
    }
    recognized = {
        d.node_id
        for d in DecisionItem.objects.select_related("cycle", "decision")
        if d.cycle.year == year and d.kind == "recognition" and d.decision.status == "issued"
    }
    approved = {
        a.node_id: a.classification
        for a in Assessment.objects.select_related("cycle")
        if a.cycle.year == year and a.status == "approved" and a.classification
    }
    out: dict[str, dict[str, Any]] = defaultdict(dict)

    def add(metric: str, kind: str, num: int, den: int | None) -> None:
        old = out[metric].get(kind, (0, 0 if den is not None else None))
        out[metric][kind] = (old[0] + num, None if den is None else old[1] + den)

    good = good_ratings()
    reach = _reach(year)
    for n in population:
        add("registered", n.kind, int(n.pk in registered), 1)
        if n.pk in registered:
            add("recognized", n.kind, int(n.pk in recognized), 1)
        if n.pk in approved:
            add("classified_good", n.kind, int(approved[n.pk] in ("xuat_sac", "kha")), 1)
        people = n.people_count or 0
        listed, largest = reach.get(n.pk, (0, 0))
        add("outreach_reach", n.kind, min(max(listed, largest), people), people)
    for e in InitiativeEvaluation.objects.select_related("initiative"):
        node = nodes[e.initiative.node_id]
        if e.year == year and inside(node.pk):
            add("initiatives_good", node.kind, int(e.rating in good), 1)
    for i in Initiative.objects.all():
        if i.started_on.year == year and inside(i.node_id):
            add("new_initiatives", nodes[i.node_id].kind, 1, None)
    for s in OutreachSession.objects.all():
        if s.kind == "training" and s.held_on.year == year and s.withdrawn_at is None and inside(s.node_id):
            add("training_classes", nodes[s.node_id].kind, 1, None)
    inspected = {
        i.node_id
        for i in Inspection.objects.all()
        if i.status in ("concluded", "closed") and i.inspected_on.year == year and inside(i.node_id)
    }
    for node_id in inspected:
        add("inspections", nodes[node_id].kind, 1, None)
    for parts in out.values():
        dens = [d for _n, d in parts.values()]
        total_den = None if dens and dens[0] is None else sum(d or 0 for d in dens)
        parts["total"] = (sum(n for n, _d in parts.values()), total_den)
    return out


def _reach(year: int) -> dict[int, tuple[int, int]]:
    """node -> (distinct listed people, largest headcount) of its tuyên truyền sessions of `year`."""
    people: dict[int, set[int]] = defaultdict(set)
    for a in Attendance.objects.select_related("session"):
        s = a.session
        if s.kind == "propaganda" and s.held_on.year == year and s.withdrawn_at is None:
            people[s.node_id].add(a.participant_id)
    largest: dict[int, int] = defaultdict(int)
    for s in OutreachSession.objects.all():
        if (
            s.kind == "propaganda"
            and s.held_on.year == year
            and s.withdrawn_at is None
            and s.headcount
            and s.attendance_mode == "headcount"
        ):
            largest[s.node_id] = max(largest[s.node_id], s.headcount)
    return {k: (len(people.get(k, ())), largest.get(k, 0)) for k in {*people, *largest}}
