"""Screens of the dashboards app: a node's dashboard (cards against targets, tables and charts by
unit type, by child node and by year), the lists behind each number, and their XLSX.

Nodes are reached through `access` (out of scope → 404, exporting without the action → 403); the
numbers come from `board` / `figures`, the lists from `selectors`. Nothing is written here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.http import AuthedHttpRequest, int_or_none
from antq.core.pagination import keyset_page
from antq.core.xlsx import Table, xlsx_response
from antq.dashboards import board as boards
from antq.dashboards import selectors, tables
from antq.dashboards.access import dashboard_node
from antq.dashboards.targets import TargetStatus
from antq.org.choices import UNIT_KINDS
from antq.org.models import OrgNode

MENU = "dashboards"
MIN_YEAR, MAX_YEAR = 2020, 2100
# Lists longer than this are exported by a background job (docs/reports.md, "Exports").
SYNC_EXPORT_LIMIT = 5000


def year_of(request: AuthedHttpRequest) -> int:
    year = int_or_none(request.GET.get("year"))
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        return timezone.localdate().year
    return year


def _year_choices(year: int) -> list[int]:
    this = timezone.localdate().year
    return sorted({*range(this - 4, this + 1), year}, reverse=True)


def _render_board(request: AuthedHttpRequest, node: OrgNode) -> HttpResponse:
    year = year_of(request)
    if node.kind in UNIT_KINDS:
        return redirect(boards.dashboard_url(node, year))
    scope = scope_of(request)
    board = boards.build(node, year)
    context: dict[str, Any] = {
        "board": board,
        "node": node,
        "year": year,
        "years": _year_choices(year),
        "parent": node.parent if node.parent_id and scope.sees(node.parent) else None,  # type: ignore[arg-type]
        "can_export": scope.allows(Action.EXPORT, node),
        "statuses": TargetStatus,
        "lists": [(key, spec.title) for key, spec in selectors.LISTS.items() if key != "population"],
        "active_menu": MENU,
    }
    return render(request, "dashboards/node.html", context)


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    node = current_node(request)
    if node is None:
        return render(request, "org/no_scope.html")
    return _render_board(request, node)


@login_required
def node_dashboard(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _render_board(request, dashboard_node(scope_of(request), pk))


@login_required
def dashboard_xlsx(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    node = dashboard_node(scope_of(request), pk, Action.EXPORT)
    if node.kind in UNIT_KINDS:
        raise Http404
    board = boards.build(node, year_of(request))
    return _xlsx(tables.cards_table(board), tables.cards_filename(board))


def _xlsx(table: Table, filename: str) -> HttpResponseBase:
    return xlsx_response(
        filename=filename,
        title=table.title,
        headers=table.headers,
        rows=table.rows,
        formats=table.formats,
    )


def _list_args(
    request: AuthedHttpRequest, pk: int, which: str, action: str
) -> tuple[OrgNode, int, selectors.ListFilters]:
    node = dashboard_node(scope_of(request), pk, action)
    if which not in selectors.LISTS:
        raise Http404
    kind = request.GET.get("kind", "")
    filters = selectors.ListFilters(
        kind=kind if kind in selectors.ASSESSED_KINDS else "",
        child=selectors.child_of(node, request.GET.get("child")),
    )
    return node, year_of(request), filters


@login_required
def unit_list(request: AuthedHttpRequest, pk: int, which: str) -> HttpResponse:
    node, year, filters = _list_args(request, pk, which, Action.VIEW)
    spec = selectors.LISTS[which]
    today = timezone.localdate()
    qs = selectors.unit_list(node, year, which, filters, today)
    page = keyset_page(
        qs, after=request.GET.get("after", ""), before=request.GET.get("before", ""), size=selectors.PAGE_SIZE
    )
    rows = selectors.rows_for(page.items, year, with_deadlines=spec.show_deadlines)
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    scope = scope_of(request)
    context: dict[str, Any] = {
        "node": node,
        "year": year,
        "years": _year_choices(year),
        "spec": spec,
        "which": which,
        "filters": filters,
        "kinds": boards.kind_columns(node),
        "rows": rows,
        "total": qs.count(),  # "N đơn vị" above the table: one COUNT query
        "page": page,
        "query": query.urlencode(),
        "can_export": scope.allows(Action.EXPORT, node),
        "lists": [(key, s.title) for key, s in selectors.LISTS.items()],
        "dashboard_url": boards.dashboard_url(node, year),
        "start_export_url": _start_export_url(),
        "active_menu": MENU,
    }
    return render(request, "dashboards/list.html", context)


def _start_export_url() -> str:
    """The exports app's start URL for this app's background exporter (once that app has it)."""
    try:
        return reverse("exports:start", args=["dashboard_list"])
    except NoReverseMatch:
        return ""


@login_required
def unit_list_xlsx(request: AuthedHttpRequest, pk: int, which: str) -> HttpResponseBase:
    node, year, filters = _list_args(request, pk, which, Action.EXPORT)
    today = timezone.localdate()
    if selectors.unit_list(node, year, which, filters, today).count() > SYNC_EXPORT_LIMIT:
        messages.info(
            request,
            _("Danh sách có hơn %(n)s đơn vị: vui lòng dùng “Xuất Excel (chạy nền)”.")
            % {"n": SYNC_EXPORT_LIMIT},
        )
        return redirect(f"{reverse('dashboards:list', args=[node.pk, which])}?{request.GET.urlencode()}")
    return _xlsx(
        tables.list_table(node, year, which, filters, today), tables.list_filename(node, year, which, filters)
    )
