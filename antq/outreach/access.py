"""Getters that views and API endpoints use to reach outreach records: scope is enforced here.

A session or a festival day belongs to its node: whoever sees the node sees the record (404
otherwise, its existence is not revealed); recording needs `ACTIVITY_RECORD` there (403 otherwise).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.org.access import node_for
from antq.org.models import OrgNode, subtree_q
from antq.outreach.models import FestivalDay, OutreachSession
from antq.outreach.services import OUTREACH_NODE_KINDS


def session_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> OutreachSession:
    """The session if its node is in the reader's scope (else 404) and `action` is allowed there
    (else 403)."""
    try:
        session = (
            OutreachSession.objects.filter(scope.q(Action.VIEW, field="node__path"))
            .select_related("node", "node__parent", "recorded_by", "evidence")
            .get(pk=pk)
        )
    except (OutreachSession.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != Action.VIEW and not scope.allows(action, session.node):
        raise PermissionDenied
    return session


def festival_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> FestivalDay:
    """The festival day, as `session_for`."""
    try:
        festival = (
            FestivalDay.objects.filter(scope.q(Action.VIEW, field="node__path"))
            .select_related("node", "node__parent", "host", "plan_document", "recorded_by")
            .get(pk=pk)
        )
    except (FestivalDay.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != Action.VIEW and not scope.allows(action, festival.node):
        raise PermissionDenied
    return festival


def outreach_node_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> OrgNode:
    """A unit or a commune (the nodes that record outreach), as `node_for`."""
    node = node_for(scope, pk, Action.VIEW)
    if node.kind not in OUTREACH_NODE_KINDS:
        raise Http404
    if action != Action.VIEW and not scope.allows(action, node):
        raise PermissionDenied
    return node


def recordable_nodes(scope: Scope, within: OrgNode | None = None) -> QuerySet[OrgNode]:
    """Units and communes in force where the user may record outreach (under `within` if given),
    ordered by path: each commune, then its units."""
    where = Q(kind__in=OUTREACH_NODE_KINDS, valid_to__isnull=True, is_active=True) & scope.q(
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
