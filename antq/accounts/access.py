"""Reaching users and memberships through the reader's scope: 404 outside it, 403 without the right.

A manager may act on a user only if they could have granted every active role that user holds:
a province officer cannot reset the password of the province leader who shares their province.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from antq.accounts.models import Membership
from antq.accounts.roles import Action
from antq.accounts.scope import Scope


def memberships_in(scope: Scope, action: str = Action.VIEW) -> QuerySet[Membership]:
    """Memberships on nodes where the reader may do `action`."""
    return Membership.objects.filter(scope.q(action, field="node__path"))


def managed_users(scope: Scope, action: str = Action.MEMBERSHIP_MANAGE) -> QuerySet[User]:
    """Users holding at least one membership on a node where the reader may do `action`."""
    return User.objects.filter(pk__in=memberships_in(scope, action).values("user_id"))


def can_manage_user(scope: Scope, user: User) -> bool:
    """The reader could have granted every active role `user` holds (and is not that user)."""
    if user.pk == scope.user_id or user.is_superuser or user.is_staff:
        return False
    memberships = list(user.memberships.select_related("node"))
    grantable = [m for m in memberships if scope.can_grant(m.node.path, m.role, m.include_descendants)]
    active = [m for m in memberships if m.is_active]
    return bool(grantable) and all(m in grantable for m in active)


def user_for(scope: Scope, pk: int | str) -> User:
    """A user with a membership the reader sees (else 404) whom the reader may manage (else 403)."""
    try:
        user = managed_users(scope, Action.VIEW).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.can_anywhere(Action.MEMBERSHIP_MANAGE) or not can_manage_user(scope, user):
        raise PermissionDenied
    return user


def membership_for(scope: Scope, pk: int | str) -> Membership:
    """A membership on a node the reader sees (else 404) that the reader could grant (else 403)."""
    try:
        membership = memberships_in(scope).select_related("node", "user").get(pk=pk)
    except (Membership.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.can_grant(membership.node.path, membership.role, membership.include_descendants):
        raise PermissionDenied
    return membership
