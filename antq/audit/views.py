from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.audit.selectors import audit_list
from antq.core.http import AuthedHttpRequest


@login_required
def event_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.AUDIT_VIEW):
        raise PermissionDenied
    events = audit_list(scope=scope)
    if request.GET.get("type"):
        events = events.filter(object_type=request.GET["type"])
    # The log is read newest first and rarely paged deep; a plain paginator without a total
    # count query would be the next step if it ever grows slow.
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"page": page, "active_menu": "audit"})
