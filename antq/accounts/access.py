"""Reaching users and memberships through the manager's scope (404 outside it)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from antq.accounts.models import Membership
from antq.accounts.roles import Action
from antq.accounts.scope import Scope


def managed_users(scope: Scope) -> QuerySet[User]:
    """Users holding at least one membership on a node the manager may manage."""
    return User.objects.filter(
        memberships__in=Membership.objects.filter(scope.q(Action.MEMBERSHIP_MANAGE, field="node__path"))
    ).distinct()


def user_for(scope: Scope, pk: object) -> User:
    try:
        return managed_users(scope).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def membership_for(scope: Scope, pk: object) -> Membership:
    try:
        return (
            Membership.objects.filter(scope.q(Action.MEMBERSHIP_MANAGE, field="node__path"))
            .select_related("node", "user")
            .get(pk=pk)
        )
    except (Membership.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
