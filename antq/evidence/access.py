"""Getters that views and API endpoints use to reach evidence: scope is enforced here.

A document (or a node's dossier) outside the reader's scope answers 404; in scope without the
action, 403. Visibility follows the document's node.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.evidence.models import EvidenceDocument
from antq.evidence.services import EVIDENCE_NODE_KINDS
from antq.org.access import node_for
from antq.org.models import OrgNode


def visible_evidence(scope: Scope) -> QuerySet[EvidenceDocument]:
    return EvidenceDocument.objects.filter(scope.q(Action.VIEW, field="node__path"))


def evidence_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> EvidenceDocument:
    """The document if its node is in the reader's scope (else 404) and `action` is allowed there
    (else 403)."""
    try:
        document = visible_evidence(scope).select_related("node", "uploaded_by", "withdrawn_by").get(pk=pk)
    except (EvidenceDocument.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != Action.VIEW and not scope.allows(action, document.node):
        raise PermissionDenied
    return document


def dossier_node_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> OrgNode:
    """A node that keeps a dossier (a unit, or a commune for its own), as `evidence_for`."""
    node = node_for(scope, pk, Action.VIEW)
    if node.kind not in EVIDENCE_NODE_KINDS:
        raise Http404
    if action != Action.VIEW and not scope.allows(action, node):
        raise PermissionDenied
    return node
