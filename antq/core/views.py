"""The home page (what the user's role works on, at their current node) and the movement hub."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

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


# The movement's areas (issue 5), each an app of its own; the hub lists those the user can open.
MOVEMENT_AREAS = (
    ("initiatives:list", _("Mô hình tự phòng, tự quản, tự bảo vệ, tự hòa giải"), Action.VIEW),
    ("forces:list", _("Tổ bảo vệ ANTT, lực lượng bảo vệ và xếp loại"), Action.VIEW),
    ("outreach:list", _("Tuyên truyền, tập huấn"), Action.VIEW),
    ("outreach:festival_list", _("Ngày hội toàn dân bảo vệ ANTQ (19/8)"), Action.VIEW),
    ("coordination:list", _("Phối hợp với Công an"), Action.VIEW),
    ("inspections:list", _("Kiểm tra phong trào"), Action.VIEW),
    ("plans:list", _("Kế hoạch"), Action.VIEW),
)


@login_required
def movement(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    areas = []
    for name, label, action in MOVEMENT_AREAS:
        if scope.can_anywhere(action):
            try:
                areas.append((reverse(name), label))
            except NoReverseMatch:  # an area not built yet is simply not listed
                continue
    return render(request, "core/movement.html", {"areas": areas, "active_menu": "movement"})
