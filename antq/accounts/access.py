"""Reaching users and memberships through the reader's scope: 404 outside it, 403 without the right."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from antq.accounts.models import Membership
from antq.accounts.roles import Action
from antq.accounts.scope import Scope


def _memberships(scope: Scope, action: str) -> QuerySet[Membership]:
    return Membership.objects.filter(scope.q(action, field="node__path"))


def managed_users(scope: Scope, action: str = Action.MEMBERSHIP_MANAGE) -> QuerySet[User]:
    """Users holding at least one membership on a node where the reader may do `action`."""
    return User.objects.filter(pk__in=_memberships(scope, action).values("user_id"))


def user_for(scope: Scope, pk: int | str) -> User:
    try:
        user = managed_users(scope, Action.VIEW).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not managed_users(scope).filter(pk=user.pk).exists():
        raise PermissionDenied
    return user


def membership_for(scope: Scope, pk: int | str) -> Membership:
    try:
        membership = _memberships(scope, Action.VIEW).select_related("node", "user").get(pk=pk)
    except (Membership.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.allows(Action.MEMBERSHIP_MANAGE, membership.node):
        raise PermissionDenied
    return membership
