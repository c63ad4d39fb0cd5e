from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.audit.forms import AuditFilterForm
from antq.audit.selectors import AuditFilters, audit_filtered
from antq.audit.services import audit_export_record
from antq.audit.tables import audit_table
from antq.core.http import AuthedHttpRequest
from antq.core.xlsx import XLSX_CONTENT_TYPE, write_table_to
from antq.exports.access import exporting
from antq.org.access import node_for
from antq.org.models import OrgNode

# Larger lists go to the background export (a job with a progress bar), as the dashboards' lists.
SYNC_EXPORT_LIMIT = 5000
# Nodes offered in the node filter: the current node and its children (a province's communes).
NODE_CHOICES = 500


def _node_choices(scope: Scope, within: OrgNode | None) -> list[tuple[str, str]]:
    if within is None:
        return []
    children = (
        OrgNode.objects.filter(scope.q(Action.AUDIT_VIEW), parent=within)
        .order_by("search_text")
        .values_list("pk", "name")[:NODE_CHOICES]
    )
    return [(str(within.pk), within.name), *((str(pk), name) for pk, name in children)]


def _filters(request: AuthedHttpRequest, scope: Scope) -> tuple[AuditFilterForm, AuditFilters]:
    form = AuditFilterForm(request.GET or None, nodes=_node_choices(scope, current_node(request)))
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        data = {key: value for key, value in form.cleaned_data.items() if key not in form.errors}
    # Out of scope: 404, as for any object named in a URL.
    node = node_for(scope, data["node"], Action.AUDIT_VIEW) if data.get("node") else None
    return form, AuditFilters(
        object_type=data.get("type") or "",
        action=data.get("action") or "",
        actor=(data.get("actor") or "").strip(),
        since=data.get("since"),
        until=data.get("until"),
        node_path=node.path if node is not None else "",
    )


@login_required
def event_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.AUDIT_VIEW):
        raise PermissionDenied
    form, filters = _filters(request, scope)
    events = audit_filtered(scope=scope, filters=filters)
    # The log is read newest first and rarely paged deep; a plain paginator without a total
    # count query would be the next step if it ever grows slow.
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "can_export": scope.can_anywhere(Action.EXPORT),
        "active_menu": "audit",
    }
    return render(request, "audit/event_list.html", context)


def _exported_nodes(scope: Scope, filters: AuditFilters) -> list[OrgNode]:
    """The node the export is narrowed to, or each node the user exports from."""
    if filters.node_path:
        return [OrgNode.objects.get(path=filters.node_path)]
    return list(OrgNode.objects.filter(pk__in=exporting(scope).root_nodes()).order_by("path"))


@login_required
def event_export(request: AuthedHttpRequest) -> HttpResponseBase:
    """The list as filtered on screen, as XLSX: events the user may both read and export."""
    scope = scope_of(request)
    if not (scope.can_anywhere(Action.AUDIT_VIEW) and scope.can_anywhere(Action.EXPORT)):
        raise PermissionDenied
    _form, filters = _filters(request, scope)
    events = audit_filtered(scope=exporting(scope), filters=filters)
    if events.count() > SYNC_EXPORT_LIMIT:
        messages.info(
            request,
            _("Nhật ký đã lọc có hơn %(n)s sự kiện: vui lòng dùng “Xuất Excel (chạy nền)”.")
            % {"n": SYNC_EXPORT_LIMIT},
        )
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
    # openpyxl builds the zip at the end; a temporary file keeps the table out of memory.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    rows = write_table_to(out, audit_table(events))
    out.seek(0)
    audit_export_record(by=request.user, nodes=_exported_nodes(scope, filters), filters=filters, rows=rows)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"nhat-ky-{timezone.localdate():%Y%m%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
