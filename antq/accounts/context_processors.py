"""Template context for the page shell: menu, current node and its breadcrumb."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from antq.accounts.navigation import current_node, menu
from antq.accounts.scope import scope_of
from antq.org.selectors import ancestors


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    scope = scope_of(request)
    node = current_node(request)
    trail: list[Any] = []
    if node is not None:
        trail = [a for a in ancestors(node) if scope.sees(a)] + [node]
    return {
        "scope": scope,
        "menu": menu(scope),
        "current_node": node,
        "breadcrumb": trail,
        "user_roles": sorted({g.role for g in scope.grants}),
    }
