"""Reads of the tree and the registry; they own select_related and annotations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.core.text import search_tokens
from antq.org.choices import UNIT_KINDS, UNIT_PARENT_KINDS, LineageKind, NodeKind
from antq.org.models import SEGMENT_WIDTH, NodeLineage, OrgNode, OrgNodeQuerySet


@dataclass(frozen=True)
class UnitFilters:
    q: str = ""
    kind: str = ""
    commune: int | None = None
    eligibility: str = ""  # "eligible" | "excluded" | ""
    status: str = ""  # "active" | "inactive" | ""
    within: OrgNode | None = None


def unit_list(*, scope: Scope, filters: UnitFilters, action: str = Action.VIEW) -> OrgNodeQuerySet:
    """Units the user may see (or act on), filtered; ordered by folded name for keyset paging."""
    qs = OrgNode.objects.units().filter(scope.q(action))
    if filters.within is not None:
        qs = qs.in_subtree(filters.within)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.commune:
        qs = qs.filter(parent_id=filters.commune)
    if filters.eligibility == "eligible":
        qs = qs.filter(exclusion_code="")
    elif filters.eligibility == "excluded":
        qs = qs.exclude(exclusion_code="")
    if filters.status == "active":
        qs = qs.filter(is_active=True)
    elif filters.status == "inactive":
        qs = qs.filter(is_active=False)
    if filters.q:
        qs = qs.search(search_tokens(filters.q))
    return qs.select_related("parent").order_by("search_text", "id")


def ancestors(node: OrgNode) -> list[OrgNode]:
    """The node's ancestors, root first, in one query."""
    paths = node.ancestor_paths()
    if not paths:
        return []
    return list(OrgNode.objects.filter(path__in=paths).only("id", "name", "kind", "path").order_by("path"))


def child_admin_nodes(node: OrgNode) -> OrgNodeQuerySet:
    """Administrative children (provinces, communes) to drill down into.

    Units ended by a reform are hidden under a current node; under an ended node (a province
    before 1 July 2025) its own, equally ended, districts and communes are what there is to see.
    """
    qs = OrgNode.objects.filter(parent=node).exclude(kind__in=UNIT_KINDS)
    if node.valid_to is None:
        qs = qs.current()
    return qs.only("id", "name", "kind", "path", "code", "division").order_by("search_text")


# How a link reads from its target's side ("Xã A sáp nhập vào Xã B": B is "sáp nhập từ Xã A").
INCOMING_LINEAGE_LABELS = {
    LineageKind.MERGED_INTO: _("Sáp nhập từ"),
    LineageKind.SPLIT_INTO: _("Nhận một phần từ"),
    LineageKind.TRANSFERRED_TO: _("Chuyển đến từ"),
    LineageKind.RENAMED_TO: _("Đổi tên từ"),
}


@dataclass
class LineageGroup:
    """One line of the history panel: "Sáp nhập từ: Xã A, Xã B (01/07/2025)"."""

    label: str | Promise
    effective_date: dt.date
    # (node, whether the user may open it)
    nodes: list[tuple[OrgNode, bool]] = field(default_factory=list)


def node_lineage(node: OrgNode, scope: Scope) -> list[LineageGroup]:
    """The reorganisations this node came from and went into, grouped for display; one query."""
    links = (
        NodeLineage.objects.filter(Q(source=node) | Q(target=node))
        .select_related("source", "target")
        .only(
            "kind",
            "effective_date",
            "source__id",
            "source__name",
            "source__path",
            "target__id",
            "target__name",
            "target__path",
        )
        .order_by("effective_date", "kind", "source__search_text", "target__search_text")
    )
    groups: dict[tuple[bool, str, dt.date], LineageGroup] = {}
    for link in links:
        outgoing = link.source_id == node.pk
        other = link.target if outgoing else link.source
        label = link.get_kind_display() if outgoing else INCOMING_LINEAGE_LABELS[LineageKind(link.kind)]
        group = groups.setdefault(
            (outgoing, link.kind, link.effective_date), LineageGroup(label, link.effective_date)
        )
        group.nodes.append((other, scope.sees(other)))
    return list(groups.values())


def unit_parent_choices(scope: Scope, action: str = Action.UNIT_CREATE) -> OrgNodeQuerySet:
    """Communes and provinces under which the user may place a unit."""
    return (
        OrgNode.objects.filter(kind__in=UNIT_PARENT_KINDS)
        .current()
        .filter(scope.q(action))
        .only("id", "name", "kind", "path")
        .order_by("path")
    )


def unit_counts_by_kind(*, root: OrgNode, scope: Scope) -> dict[str, dict[str, int]]:
    """Per unit kind: total, eligible, active; one aggregate query."""
    rows = (
        OrgNode.objects.units()
        .in_subtree(root)
        .filter(scope.q(Action.VIEW))
        .values("kind")
        .annotate(
            total=Count("id"),
            eligible=Count("id", filter=Q(exclusion_code="")),
            active=Count("id", filter=Q(is_active=True)),
        )
    )
    return {row["kind"]: {k: row[k] for k in ("total", "eligible", "active")} for row in rows}


def unit_counts_by_child(*, node: OrgNode, scope: Scope) -> dict[str, int]:
    """Number of units under each child of `node`, keyed by the child's path; one GROUP BY."""
    child_len = len(node.path) + SEGMENT_WIDTH
    rows = (
        OrgNode.objects.units()
        .in_subtree(node)
        .filter(scope.q(Action.VIEW))
        .annotate(branch=Substr("path", 1, child_len))
        .values("branch")
        .annotate(n=Count("id"))
    )
    return {row["branch"]: row["n"] for row in rows}


def communes_for_filter(within: OrgNode | None) -> list[OrgNode]:
    """Communes to offer in the list's commune filter: those of one province (a few hundred at most)."""
    if within is None or within.kind not in {NodeKind.PROVINCE, NodeKind.DISTRICT}:
        return []
    return list(
        OrgNode.objects.filter(kind=NodeKind.COMMUNE)
        .current()
        .in_subtree(within)
        .only("id", "name")
        .order_by("search_text")
    )
