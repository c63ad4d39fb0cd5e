from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node, set_current_node
from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.http import AuthedHttpRequest
from antq.org.access import node_for
from antq.org.selectors import (
    ancestors,
    child_admin_nodes,
    node_lineage,
    unit_counts_by_child,
    unit_counts_by_kind,
)


@login_required
def browse(request: AuthedHttpRequest) -> HttpResponse:
    """Drill down the tree: a node, its administrative children and unit counts under each."""
    scope = scope_of(request)
    node = node_for(scope, request.GET["node"]) if request.GET.get("node") else current_node(request)
    if node is None:
        return render(request, "org/no_scope.html")
    # A grant without descendants shows the node itself but not what is under it.
    children = list(child_admin_nodes(node).filter(scope.q(Action.VIEW)))
    counts = unit_counts_by_child(node=node, scope=scope)
    rows = [(child, counts.get(child.path, 0)) for child in children]
    return render(
        request,
        "org/browse.html",
        {
            "node": node,
            "trail": [a for a in ancestors(node) if scope.sees(a)],
            "rows": rows,
            "by_kind": unit_counts_by_kind(root=node, scope=scope),
            "lineage": node_lineage(node, scope),
            "can_edit_node": not node.is_unit and scope.allows(Action.NODE_EDIT, node),
            "active_menu": "org",
        },
    )


@login_required
@require_POST
def switch(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Make `pk` the node the user works on (breadcrumb); only a node in scope can be chosen."""
    node = node_for(scope_of(request), pk)
    set_current_node(request, node)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    if target:
        return redirect(target)
    if node.is_unit:
        return redirect("units:detail", node.pk)
    return redirect(f"{reverse('org:browse')}?node={node.pk}")
