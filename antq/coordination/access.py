"""Getters that views and API endpoints use to reach coordination records: scope is enforced here.

A record is seen by whoever sees its node (404 otherwise: its existence is not revealed); acting on
it needs ACTIVITY_RECORD on that node (403 otherwise).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.coordination.models import CampaignParticipation, CoordinationAgreement
from antq.coordination.services import COORDINATION_KINDS
from antq.evidence.models import EvidenceDocument
from antq.org.models import OrgNode, subtree_q


def agreement_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> CoordinationAgreement:
    """The agreement if the user sees its node (else 404) and may do `action` there (else 403)."""
    try:
        agreement = CoordinationAgreement.objects.select_related(
            "node", "node__parent", "document", "recorded_by"
        ).get(pk=pk)
    except (CoordinationAgreement.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.sees(agreement.node):
        raise Http404
    if action != Action.VIEW and not scope.allows(action, agreement.node):
        raise PermissionDenied
    return agreement


def campaign_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> CampaignParticipation:
    """The participation if the user sees its node (else 404) and may do `action` there (else 403)."""
    try:
        row = CampaignParticipation.objects.select_related(
            "node", "node__parent", "document", "recorded_by"
        ).get(pk=pk)
    except (CampaignParticipation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.sees(row.node):
        raise Http404
    if action != Action.VIEW and not scope.allows(action, row.node):
        raise PermissionDenied
    return row


def recordable_nodes(scope: Scope, within: OrgNode | None = None) -> QuerySet[OrgNode]:
    """Agencies, enterprises, schools and communes in force where the user may record coordination
    (under `within` if given), ordered by path: each commune, then its units."""
    where = Q(kind__in=COORDINATION_KINDS, valid_to__isnull=True, is_active=True) & scope.q(
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


def node_documents(node: OrgNode) -> QuerySet[EvidenceDocument]:
    """Documents of the node's evidence register a record may cite (in force, any year, newest first).
    No scope: callers reached `node` through a getter above."""
    return EvidenceDocument.objects.filter(node=node, is_active=True).order_by("-issue_date", "-id")
