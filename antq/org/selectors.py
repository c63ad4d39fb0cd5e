"""Reads of the tree and the registry; they own select_related and annotations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.core.text import search_tokens
from antq.org.choices import UNIT_KINDS, UNIT_PARENT_KINDS
from antq.org.models import SEGMENT_WIDTH, OrgNode, OrgNodeQuerySet


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
    """Administrative children (provinces, communes) to drill down into."""
    return (
        OrgNode.objects.filter(parent=node)
        .exclude(kind__in=UNIT_KINDS)
        .current()
        .only("id", "name", "kind", "path", "code", "division")
        .order_by("search_text")
    )


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
