"""Getters that views and API endpoints use to reach decisions, their units and award proposals:
scope is enforced here. Outside the reader's scope → 404; in scope without the action → 403.

A decision belongs to its issuer (the commune or province whose committee signs it): whoever sees
the issuer sees the decision. A unit's line in a decision (its certificate) and an award proposal
belong to the unit.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.decisions.choices import DecisionKind, DecisionStatus
from antq.decisions.models import AwardProposal, Decision, DecisionItem
from antq.decisions.services import ISSUER_KINDS
from antq.org.access import node_for
from antq.org.choices import NodeKind
from antq.org.models import OrgNode


def visible_decisions(scope: Scope) -> QuerySet[Decision]:
    return Decision.objects.filter(scope.q(Action.VIEW, field="issuer__path"))


def decision_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> Decision:
    """The decision if the reader sees its issuer (else 404) and may do `action` there (else 403)."""
    try:
        decision = (
            visible_decisions(scope)
            .select_related("cycle", "cycle__province", "issuer", "issuer__parent")
            .get(pk=pk)
        )
    except (Decision.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != Action.VIEW and not scope.allows(action, decision.issuer):
        raise PermissionDenied
    return decision


def certificate_item_for(scope: Scope, pk: int | str) -> DecisionItem:
    """A unit's line in a recognition decision in force, if the reader sees the unit."""
    try:
        item = (
            DecisionItem.objects.filter(scope.q(Action.VIEW, field="node__path"))
            .filter(
                kind=DecisionKind.RECOGNITION,
                decision__status=DecisionStatus.ISSUED,
            )
            .select_related(
                "node", "decision", "decision__cycle", "decision__issuer", "decision__issuer__parent"
            )
            .get(pk=pk)
        )
    except (DecisionItem.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    return item


def proposal_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> AwardProposal:
    """The award proposal if the reader sees its unit (else 404) and may do `action` there (else 403)."""
    try:
        proposal = (
            AwardProposal.objects.filter(scope.q(Action.VIEW, field="node__path"))
            .select_related("node", "cycle", "proposer")
            .get(pk=pk)
        )
    except (AwardProposal.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != Action.VIEW and not scope.allows(action, proposal.node):
        raise PermissionDenied
    return proposal


def province_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> OrgNode:
    """A province node, as `node_for` (404 for any other kind)."""
    node = node_for(scope, pk, Action.VIEW)
    if node.kind != NodeKind.PROVINCE:
        raise Http404
    if action != Action.VIEW and not scope.allows(action, node):
        raise PermissionDenied
    return node


def drafting_issuers(scope: Scope) -> QuerySet[OrgNode]:
    """Communes and provinces where the reader may draft decisions, highest first."""
    return (
        OrgNode.objects.filter(scope.q(Action.DECISION_DRAFT), kind__in=sorted(ISSUER_KINDS))
        .current()
        .order_by("depth", "search_text", "pk")
    )


def proposing_scope(scope: Scope) -> QuerySet[OrgNode]:
    """Nodes where the reader may propose awards."""
    return OrgNode.objects.filter(scope.q(Action.AWARD_PROPOSE))
