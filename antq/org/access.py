"""Getters that views, API endpoints, exports and jobs use to reach nodes: scope is enforced here.

An object outside the user's scope answers 404 (its existence is not revealed); an object in
scope for which the role lacks the action answers 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.org.models import OrgNode, OrgNodeQuerySet


def visible_nodes(scope: Scope, action: str = Action.VIEW) -> OrgNodeQuerySet:
    return OrgNode.objects.filter(scope.q(action))


def node_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> OrgNode:
    """The node with this id if the user sees it (else 404) and may do `action` on it (else 403)."""
    try:
        node = visible_nodes(scope).select_related("parent").get(pk=pk)
    except (OrgNode.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != Action.VIEW and not scope.allows(action, node):
        raise PermissionDenied
    return node


def unit_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> OrgNode:
    """Like `node_for`, but only assessed units (a commune is not a unit)."""
    node = node_for(scope, pk, Action.VIEW)
    if not node.is_unit:
        raise Http404
    if action != Action.VIEW and not scope.allows(action, node):
        raise PermissionDenied
    return node
