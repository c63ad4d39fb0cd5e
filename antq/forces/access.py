"""Getters that views and API endpoints use to reach teams, members and rounds: scope is enforced here.

A team (and its members) belongs to its unit, a round to its commune: whoever does not see that
node gets 404, whoever sees it without the action gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.forces.models import RatingRound, SecurityTeam, TeamMember
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode, subtree_q


def visible_teams(scope: Scope) -> QuerySet[SecurityTeam]:
    return SecurityTeam.objects.filter(scope.q(Action.VIEW, field="node__path"))


def team_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> SecurityTeam:
    """The team if the user sees its unit (else 404) and may do `action` there (else 403)."""
    try:
        team = visible_teams(scope).select_related("node", "node__parent", "founding_document").get(pk=pk)
    except (SecurityTeam.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != Action.VIEW and not scope.allows(action, team.node):
        raise PermissionDenied
    return team


def member_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> TeamMember:
    try:
        member = (
            TeamMember.objects.filter(scope.q(Action.VIEW, field="team__node__path"))
            .select_related("team", "team__node")
            .get(pk=pk)
        )
    except (TeamMember.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != Action.VIEW and not scope.allows(action, member.team.node):
        raise PermissionDenied
    return member


def visible_rounds(scope: Scope) -> QuerySet[RatingRound]:
    return RatingRound.objects.filter(scope.q(Action.VIEW, field="commune__path"))


def round_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> RatingRound:
    """The round if the user sees its commune (else 404) and may do `action` there (else 403)."""
    try:
        rnd = visible_rounds(scope).select_related("commune", "created_by").get(pk=pk)
    except (RatingRound.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != Action.VIEW and not scope.allows(action, rnd.commune):
        raise PermissionDenied
    return rnd


def team_nodes(scope: Scope, within: OrgNode | None = None) -> QuerySet[OrgNode]:
    """Units in force where the user may record a team (under `within` if given), by path."""
    where = Q(kind__in=UNIT_KINDS, valid_to__isnull=True, is_active=True) & scope.q(Action.ACTIVITY_RECORD)
    if within is not None:
        where &= subtree_q(within.path)
    return OrgNode.objects.filter(where).select_related("parent").order_by("path")


def rating_communes(scope: Scope) -> QuerySet[OrgNode]:
    """Communes in force whose teams the user may rate."""
    return (
        OrgNode.objects.filter(kind=NodeKind.COMMUNE, valid_to__isnull=True)
        .filter(scope.q(Action.FORCE_RATE))
        .order_by("path")
    )
