"""Getters the dashboard views and API use: a node out of scope answers 404, an action the role
lacks on it (exports) 403. The dashboards have no objects of their own: they read tree nodes."""

from __future__ import annotations

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.org.access import node_for
from antq.org.models import OrgNode


def dashboard_node(scope: Scope, pk: int | str, action: str = Action.VIEW) -> OrgNode:
    """The node whose dashboard (or list) is asked for, if the user sees it."""
    return node_for(scope, pk, action)
