"""The one place that decides what a user may see and do.

A `Scope` is built once per request from the user's active memberships. Every view, API
endpoint, export and background job asks it, either for a queryset filter (`q`) or for a single
decision (`allows`). Views never filter by node themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from antq.accounts.models import Membership
from antq.accounts.roles import ACTION_NODE_KINDS, GRANTABLE_BY, ROLE_ACTIONS, Action, Role
from antq.org.models import OrgNode, subtree_q


@dataclass(frozen=True)
class Grant:
    role: str
    path: str
    include_descendants: bool
    node_id: int

    def covers(self, path: str) -> bool:
        if self.include_descendants:
            return path.startswith(self.path)
        return path == self.path

    def q(self, field: str) -> Q:
        if self.include_descendants:
            return subtree_q(self.path, field=field)
        return Q(**{field: self.path})

    def kinds_for(self, action: str) -> frozenset[str] | None:
        """Node kinds this grant may do `action` on, or None for every kind in its reach."""
        return ACTION_NODE_KINDS.get((self.role, action))


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @classmethod
    def for_user(cls, user: User | AnonymousUser) -> Scope:
        if not user.is_authenticated or not user.is_active:
            return cls(user_id=None)
        rows = user.memberships.filter(is_active=True).values_list(  # type: ignore[union-attr]
            "role", "node__path", "include_descendants", "node_id"
        )
        return cls(user_id=user.pk, grants=tuple(Grant(*row) for row in rows))

    def _grants_for(self, action: str) -> list[Grant]:
        return [g for g in self.grants if action in ROLE_ACTIONS.get(g.role, frozenset())]

    def allows(self, action: str, node: OrgNode) -> bool:
        for grant in self._grants_for(action):
            kinds = grant.kinds_for(action)
            if grant.covers(node.path) and (kinds is None or node.kind in kinds):
                return True
        return False

    def sees(self, node: OrgNode) -> bool:
        return self.allows(Action.VIEW, node)

    def q(self, action: str = Action.VIEW, *, field: str = "path") -> Q:
        """A filter on `field` (a path column) matching every node where `action` is allowed."""
        grants = self._grants_for(action)
        if not grants:
            return Q(pk__in=[])
        kind_field = field[: -len("path")] + "kind"
        parts = []
        for grant in grants:
            kinds = grant.kinds_for(action)
            part = grant.q(field)
            if kinds is not None:
                part &= Q(**{f"{kind_field}__in": sorted(kinds)})
            parts.append(part)
        return reduce(or_, parts)

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_role(self, role: Role) -> bool:
        return role in self.roles()

    def can_anywhere(self, action: str) -> bool:
        return bool(self._grants_for(action))

    def can_grant(self, path: str, role: str, include_descendants: bool) -> bool:
        """Whether one of the manager's own grants covers the node, may hand out this role, and
        reaches at least as far down as the new grant would (no widening one's own reach)."""
        for grant in self._grants_for(Action.MEMBERSHIP_MANAGE):
            if not grant.covers(path):
                continue
            if role not in GRANTABLE_BY.get(grant.role, frozenset()):
                continue
            if include_descendants and not grant.include_descendants:
                continue
            return True
        return False

    def grantable_roles(self) -> set[str]:
        """Roles to offer in forms; `can_grant` decides for a given node."""
        granted: set[str] = set()
        for role in self.roles():
            granted |= GRANTABLE_BY.get(role, frozenset())
        return granted

    def root_nodes(self) -> list[int]:
        """Node ids the user's view starts from (their membership nodes)."""
        return sorted({g.node_id for g in self.grants})


def scope_of(request: object) -> Scope:
    """The request's scope, computed once and cached on the request."""
    cached = getattr(request, "_antq_scope", None)
    if cached is None:
        cached = Scope.for_user(request.user)  # type: ignore[attr-defined]
        request._antq_scope = cached  # type: ignore[attr-defined]
    return cached


def users_allowed(
    action: str, node: OrgNode, *, exclude_roles: frozenset[str] = frozenset()
) -> QuerySet[User]:
    """Active users whom `Scope.allows(action, node)` would let act: the people to tell that work
    waits on `node`. One query (the memberships are a subquery), no DISTINCT needed.

    The same three conditions as `Scope.allows`, written as SQL: the role has the action
    (ROLE_ACTIONS) and may use it on this kind of node (ACTION_NODE_KINDS), and the grant covers
    the node (held on the node itself, or on an ancestor with include_descendants).
    """
    roles = sorted(
        str(role)
        for role, actions in ROLE_ACTIONS.items()
        if action in actions
        and role not in exclude_roles
        and ((kinds := ACTION_NODE_KINDS.get((role, action))) is None or node.kind in kinds)
    )
    # Ancestors are the prefixes of the path, one 6-digit segment at a time (exact matches on
    # the unique path index, not a LIKE).
    covering = Q(node__path=node.path) | Q(node__path__in=node.ancestor_paths(), include_descendants=True)
    memberships = Membership.objects.filter(covering, is_active=True, role__in=roles).values("user_id")
    return User.objects.filter(is_active=True, pk__in=memberships)
