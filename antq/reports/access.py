"""Getters that views and API endpoints use to reach reports and definitions: scope is enforced here.

A report is read by whoever sees its node (the writer's level and every level above it); writing
needs REPORT_WRITE on the node, reviewing REPORT_REVIEW (403 otherwise); a report whose node the
user does not see answers 404. National definitions are read by everyone; a province's by whoever
sees the province or works in it; changing one needs REPORT_DEFINE on the province, and someone
who does not see the province gets 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from antq.accounts.roles import ROLE_ACTIONS, Action
from antq.accounts.scope import Scope
from antq.reports.models import Report, ReportDefinition
from antq.reports.selectors import reads_definition

REPORT_RELATED = ("definition", "definition__node", "node", "node__parent", "submitted_by", "reviewed_by")


def report_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> Report:
    """The report if the user sees its node (else 404) and may do `action` there (else 403)."""
    try:
        report = Report.objects.select_related(*REPORT_RELATED).get(pk=pk)
    except (Report.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.sees(report.node):
        raise Http404
    if action != Action.VIEW and not scope.allows(action, report.node):
        raise PermissionDenied
    if action == Action.REPORT_REVIEW and not receives(scope, report):
        raise PermissionDenied
    return report


def receives(scope: Scope, report: Report) -> bool:
    """Whether the user reviews the report for the node it is sent to (its parent): REPORT_REVIEW
    on the report's node (roles.ACTION_NODE_KINDS: the commune police on units, the province
    officer on communes) held on that receiving node itself, so a province officer never takes in
    the report a unit sends to its commune. A grant without a kind limit (the administrator)
    reviews anywhere it reaches."""
    node = report.node
    receiver = node.parent.path if node.parent is not None else None
    for grant in scope.grants:
        if Action.REPORT_REVIEW not in ROLE_ACTIONS.get(grant.role, frozenset()):
            continue
        kinds = grant.kinds_for(Action.REPORT_REVIEW)
        if not grant.covers(node.path):
            continue
        if kinds is None or (node.kind in kinds and grant.path == receiver):
            return True
    return False


def definition_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> ReportDefinition:
    """A definition the user reads (else 404); for a change, REPORT_DEFINE on its province."""
    try:
        definition = ReportDefinition.objects.select_related("node").get(pk=pk)
    except (ReportDefinition.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action == Action.VIEW:
        if not reads_definition(scope, definition):
            raise Http404
        return definition
    if definition.node is None:
        # The national defaults are data (`data/definitions.yaml`), changed in the file.
        raise PermissionDenied
    if not scope.sees(definition.node):
        raise Http404
    if not scope.allows(action, definition.node):
        raise PermissionDenied
    return definition
