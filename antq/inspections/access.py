"""Getters that views and API endpoints use to reach inspections, findings and targets: scope is
enforced here.

An inspection (and each of its findings) belongs to the inspected node: whoever sees that node reads
it, so the inspected unit sees its own findings (404 otherwise); acting on it needs the action on
that node (`INSPECT`, which the commune police hold on their units and the province on its communes
and units) and acting for the level that leads the inspection (`services.acts_for_inspector`: the
commune police never take over an inspection the province leads), 403 otherwise.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.inspections.models import Finding, Inspection
from antq.inspections.services import INSPECTABLE_KINDS, acts_for_inspector
from antq.org.access import node_for
from antq.org.choices import NodeKind
from antq.org.models import OrgNode, subtree_q


def visible_inspections(scope: Scope) -> QuerySet[Inspection]:
    """Inspections of nodes the user sees."""
    return Inspection.objects.filter(scope.q(Action.VIEW, field="node__path"))


def inspection_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> Inspection:
    """The inspection if the user sees its node (else 404) and may do `action` there (else 403)."""
    try:
        inspection = Inspection.objects.select_related(
            "node", "node__parent", "commune", "inspector_node", "created_by"
        ).get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.sees(inspection.node):
        raise Http404
    if action != Action.VIEW and not may_act(scope, inspection, action):
        raise PermissionDenied
    return inspection


def may_act(scope: Scope, inspection: Inspection, action: str = Action.INSPECT) -> bool:
    """Whether the user may do `action` (other than viewing) on the inspection or its findings: the
    action on the inspected node, and acting for the inspecting level."""
    return scope.allows(action, inspection.node) and acts_for_inspector(scope, inspection)


def finding_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> Finding:
    """The finding if the user sees its inspection's node (else 404) and may do `action` there
    (else 403)."""
    try:
        finding = Finding.objects.select_related(
            "inspection",
            "inspection__node",
            "inspection__node__parent",
            "inspection__inspector_node",
            "created_by",
        ).get(pk=pk)
    except (Finding.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.sees(finding.inspection.node):
        raise Http404
    if action != Action.VIEW and not may_act(scope, finding.inspection, action):
        raise PermissionDenied
    return finding


def province_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> OrgNode:
    """A province the user sees (else 404; a node of another kind is not a province: 404 too) on
    which they may do `action` (else 403)."""
    node = node_for(scope, pk)
    if node.kind != NodeKind.PROVINCE:
        raise Http404
    if action != Action.VIEW and not scope.allows(action, node):
        raise PermissionDenied
    return node


def inspectable_nodes(scope: Scope, within: OrgNode | None = None) -> QuerySet[OrgNode]:
    """Units and communes in force that the user may inspect (under `within` if given), by path:
    each commune, then its units."""
    where = Q(kind__in=INSPECTABLE_KINDS, valid_to__isnull=True, is_active=True) & scope.q(Action.INSPECT)
    if within is not None:
        where &= subtree_q(within.path)
    return (
        OrgNode.objects.filter(where)
        .select_related("parent")
        .only("id", "name", "kind", "path", "parent__name")
        .order_by("path")
    )
