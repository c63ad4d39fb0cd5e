"""Who reaches which export job, and the scope an export is built with.

A job is private to its creator: another user, or the creator once the job's node has left their
scope for the exporter's action, gets 404, as for any object outside their scope.

The scope a file is built with (`export_scope`) and the one its download is checked with are the
same: the grants of the roles that may export (`exporting`). A role that only views the job's node
(a unit officer) neither adds rows to a file nor lets its holder download one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from antq.accounts.roles import ROLE_ACTIONS, Action
from antq.accounts.scope import Scope
from antq.exports import registry
from antq.exports.models import ExportJob
from antq.org.access import node_for, visible_nodes
from antq.org.models import OrgNode


def exporting(scope: Scope) -> Scope:
    """`scope` keeping only the grants of roles that may export (no query)."""
    grants = tuple(g for g in scope.grants if Action.EXPORT in ROLE_ACTIONS.get(g.role, frozenset()))
    return Scope(user_id=scope.user_id, grants=grants)


def export_scope(user: User | AnonymousUser) -> Scope:
    """The user's scope keeping only the grants of roles that may export, read now.

    The list selectors filter by what a scope *sees*; built with this scope they return exactly
    the rows the user may export (a unit officer, who may not export, adds nothing even when the
    same person also holds an exporting role elsewhere).
    """
    return exporting(Scope.for_user(user))


def exporter_for(kind: str) -> registry.Exporter:
    """The registered exporter of `kind`; an unknown kind is a missing page."""
    exporter = registry.get(kind)
    if exporter is None:
        raise Http404
    return exporter


# The list pages' node filter: when a page has one and it is set, the page lists that node.
NODE_FILTER = "node"


def requested_node(exporter: registry.Exporter, data: Mapping[str, Any], *, within: Any = None) -> Any:
    """The node (its id) a list page is about: its node filter when set, else `within` (the
    node the page was opened for), else None (the user's current node).

    It becomes the job's node: the export right is checked there at start and download, and the
    exporter keeps only the rows of that node's subtree.
    """
    chosen = data.get(NODE_FILTER) if NODE_FILTER in exporter.filters else None
    return chosen if chosen not in (None, "") else within


def start_node(
    scope: Scope, exporter: registry.Exporter, *, pk: str | int | None, default: OrgNode | None
) -> OrgNode:
    """The node an export is started for: the one named (404 out of scope, 403 without the
    action), else `default` (the user's current node) when they may export there, else their
    highest node where they may (403 when there is none)."""
    if pk not in (None, ""):
        return node_for(scope, pk, exporter.action)  # type: ignore[arg-type]
    if default is not None and scope.allows(exporter.action, default):
        return default
    node = (
        visible_nodes(scope, exporter.action)
        .filter(pk__in=scope.root_nodes())
        .select_related("parent")
        .order_by("depth", "path")
        .first()
    )
    if node is None:
        raise PermissionDenied
    return node


def job_for(scope: Scope, user: User | AnonymousUser, pk: int) -> ExportJob:
    """The user's own job whose node is still in their export scope for the exporter's action
    (the scope the file was built with), else 404."""
    job = ExportJob.objects.select_related("node").filter(pk=pk, created_by=user.pk).first()
    if job is None:
        raise Http404
    exporter = registry.get(job.kind)
    action = exporter.action if exporter is not None else Action.EXPORT
    if not exporting(scope).allows(action, job.node):
        raise Http404
    return job


def own_jobs(scope: Scope, user: User | AnonymousUser) -> list[ExportJob]:
    """The user's jobs on nodes still in their export scope, newest first (403 without EXPORT)."""
    scope = exporting(scope)
    if not scope.can_anywhere(Action.EXPORT):
        raise PermissionDenied
    return list(
        ExportJob.objects.filter(created_by=user.pk)
        .filter(scope.q(Action.EXPORT, field="node__path"))
        .select_related("node")[:OWN_JOBS_LIMIT]
    )


# Jobs listed on "Tệp đã xuất": with 72 h retention, more than this is a loop, not a person.
OWN_JOBS_LIMIT = 200
