"""The home page: what the user's role works on, at their current node."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action, Role
from antq.accounts.scope import scope_of
from antq.audit.selectors import audit_list
from antq.core.http import AuthedHttpRequest
from antq.org.selectors import unit_counts_by_kind


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    node = current_node(request)
    if node is None:
        return render(request, "org/no_scope.html")
    context = {
        "node": node,
        "roles": [Role(r).label for r in sorted(scope.roles())],
        "by_kind": {} if node.is_unit else unit_counts_by_kind(root=node, scope=scope),
        "can": {action.value: scope.can_anywhere(action) for action in Action},
        "recent": audit_list(scope=scope)[:8] if scope.can_anywhere(Action.AUDIT_VIEW) else [],
        "active_menu": "home",
    }
    return render(request, "core/home.html", context)
