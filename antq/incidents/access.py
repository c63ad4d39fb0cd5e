"""Getters that views and API endpoints use to reach incidents: scope is enforced here.

An incident belongs to the node its **current** revision is recorded against: whoever sees that node
sees the incident (404 otherwise, its existence is not revealed), and acting on it needs the action
on that node (403 otherwise). A correction may move an incident to another unit; from then on the
node of an older revision no longer opens it, and a revision is only shown to whoever also sees its
own node (its facts are those of that node).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.incidents.models import Incident
from antq.incidents.services import RECORDABLE_KINDS
from antq.org.models import OrgNode, subtree_q


def visible_incidents(scope: Scope) -> QuerySet[Incident]:
    """Current revisions of incidents on nodes the user sees (an incident is where it stands now)."""
    return Incident.objects.filter(is_current=True).filter(scope.q(Action.VIEW, field="node__path"))


def incident_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> Incident:
    """The revision with this id if the user sees the node of its series' current revision and the
    node of the revision itself (else 404), and may do `action` on the current revision's node
    (else 403). Any revision of a series may be named; services act on the current one."""
    related = ("node", "node__parent", "recorded_by")
    try:
        incident = Incident.objects.select_related(*related).get(pk=pk)
    except (Incident.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    current = (
        incident
        if incident.is_current
        else Incident.objects.select_related(*related).filter(series=incident.series, is_current=True).first()
    )
    if current is None or not scope.sees(current.node) or not scope.sees(incident.node):
        raise Http404
    if action != Action.VIEW and not scope.allows(action, current.node):
        raise PermissionDenied
    return incident


def recordable_nodes(
    scope: Scope, within: OrgNode | None = None, *, keep: OrgNode | None = None
) -> QuerySet[OrgNode]:
    """Units and communes in force where the user may record incidents (under `within` if given),
    plus `keep` (the node an incident already has, even if it has been deactivated since), ordered
    by path: each commune, then its units."""
    where = Q(kind__in=RECORDABLE_KINDS, valid_to__isnull=True, is_active=True) & scope.q(
        Action.INCIDENT_RECORD
    )
    if within is not None:
        where &= subtree_q(within.path)
    if keep is not None and scope.allows(Action.INCIDENT_RECORD, keep):
        where |= Q(pk=keep.pk)
    return (
        OrgNode.objects.filter(where)
        .select_related("parent")
        .only("id", "name", "kind", "path", "parent__name")
        .order_by("path")
    )
