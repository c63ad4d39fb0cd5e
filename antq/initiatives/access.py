"""Getters that views and API endpoints use to reach initiatives: scope is enforced here.

An initiative is seen by whoever sees its node (404 otherwise: its existence is not revealed);
acting on it needs the action on that node (403 otherwise).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.initiatives.models import Initiative, InitiativeMember
from antq.initiatives.services import INITIATIVE_KINDS
from antq.initiatives.workflows import RETIRE, may_retire
from antq.org.models import OrgNode, subtree_q


def visible_initiatives(scope: Scope) -> QuerySet[Initiative]:
    return Initiative.objects.filter(scope.q(Action.VIEW, field="node__path"))


def initiative_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> Initiative:
    """The initiative if the user sees its node (else 404) and may do `action` there (else 403).
    `action` may be `workflows.RETIRE` (the unit's officer or the superior)."""
    try:
        initiative = Initiative.objects.select_related(
            "node", "node__parent", "initiative_type", "founding_decision", "replicated_from__node"
        ).get(pk=pk)
    except (Initiative.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.sees(initiative.node):
        raise Http404
    if action == RETIRE:
        if not may_retire(scope, initiative.node):
            raise PermissionDenied
    elif action != Action.VIEW and not scope.allows(action, initiative.node):
        raise PermissionDenied
    return initiative


def member_for(scope: Scope, initiative: Initiative, pk: int | str) -> InitiativeMember:
    """A member of this initiative (404 for any other id)."""
    try:
        return InitiativeMember.objects.get(pk=pk, initiative=initiative)
    except (InitiativeMember.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def recordable_nodes(scope: Scope, within: OrgNode | None = None) -> QuerySet[OrgNode]:
    """Units and communes in force where the user may record initiatives (under `within` if given),
    ordered by path: each commune, then its units."""
    where = Q(kind__in=INITIATIVE_KINDS, valid_to__isnull=True, is_active=True) & scope.q(
        Action.ACTIVITY_RECORD
    )
    if within is not None:
        where &= subtree_q(within.path)
    return (
        OrgNode.objects.filter(where)
        .select_related("parent")
        .only("id", "name", "kind", "path", "parent__name")
        .order_by("path")
    )
