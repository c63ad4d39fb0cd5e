"""Reaching framework versions through the reader's scope: 404 outside it, 403 without the right.

National versions are visible to every signed-in user with a role. A province variant is visible to
whoever sees the province or anything in it (a commune officer reads the criteria applied to their
commune). Managing a version (deriving, editing a variant, confirming thresholds) needs the manage
action on its province, or on the nation for a national version.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from antq.accounts.roles import ROLE_ACTIONS, Action
from antq.accounts.scope import Scope
from antq.criteria.models import FrameworkVersion
from antq.criteria.selectors import nation_node
from antq.org.models import SEGMENT_WIDTH, OrgNode

# Managing frameworks (variants, thresholds, sheet imports) is its own right: system administrators.
MANAGE = Action.FRAMEWORK_MANAGE


def visible_versions(scope: Scope) -> QuerySet[FrameworkVersion]:
    """Versions the reader may see."""
    if not scope.can_anywhere(Action.VIEW):
        return FrameworkVersion.objects.none()
    ancestors: set[str] = set()
    for grant in scope.grants:
        if Action.VIEW in ROLE_ACTIONS.get(grant.role, frozenset()):
            ancestors.update(
                grant.path[:end] for end in range(SEGMENT_WIDTH, len(grant.path) + 1, SEGMENT_WIDTH)
            )
    # Province at or above one of the reader's nodes, or inside the reader's subtree.
    seen = (
        Q(province__isnull=True)
        | Q(province__path__in=ancestors)
        | scope.q(Action.VIEW, field="province__path")
    )
    return FrameworkVersion.objects.filter(seen)


def manage_node(version: FrameworkVersion) -> OrgNode | None:
    """The node whose manager may change the version: its province, or the nation."""
    return version.province if version.province_id is not None else nation_node()


def can_manage(scope: Scope, version: FrameworkVersion, action: str = MANAGE) -> bool:
    node = manage_node(version)
    return node is not None and scope.allows(action, node)


def version_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> FrameworkVersion:
    """The version if the reader sees it (else 404) and may do `action` on it (else 403)."""
    try:
        version = visible_versions(scope).select_related("framework", "province", "derived_from").get(pk=pk)
    except (FrameworkVersion.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != Action.VIEW and not can_manage(scope, version, action):
        raise PermissionDenied
    return version
