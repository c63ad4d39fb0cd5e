"""Screens of the reports app: the list (mine, received), a report (statistics, per-child
breakdown, narrative, submit, accept / return), DOCX and PDF, the reporting board and its XLSX,
and a province's own report definitions.

Reads go through `access` and `selectors`, writes through `services` (never `.save()` here).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.forms import add_service_errors
from antq.core.http import AuthedHttpRequest
from antq.core.xlsx import xlsx_response
from antq.documents import render_docx, render_pdf
from antq.org.access import node_for, visible_nodes
from antq.org.choices import NodeKind
from antq.reports import selectors, services
from antq.reports.access import definition_for, receives, report_for
from antq.reports.board_export import board_table
from antq.reports.choices import ReportStatus, level_of
from antq.reports.documents import report_document
from antq.reports.forms import (
    BoardForm,
    DefinitionForm,
    NarrativeForm,
    ReportFilterForm,
    ReturnForm,
    VersionForm,
)
from antq.reports.models import Report, ReportDefinition
from antq.reports.statistics import rows

MENU = "reports"
PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@login_required
def report_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    definitions = list(selectors.visible_definitions(scope))
    form = ReportFilterForm(request.GET or None, years=selectors.report_years(scope), definitions=definitions)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ReportFilters(
        box=data.get("box") or "all",
        year=data.get("year"),
        definition=data.get("definition"),
        status=data.get("status") or "",
    )
    page = Paginator(selectors.report_list(scope=scope, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    here = current_node(request)
    year = timezone.localdate().year
    # The reports the user's own level writes this year, to open in one click.
    writable = []
    if here is not None and scope.allows(Action.REPORT_WRITE, here):
        writable = [d for d in definitions if d.is_active and d.applies_to(here)]
    return render(
        request,
        "reports/report_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "here": here,
            "year": year,
            "writable": writable,
            "active_menu": MENU,
        },
    )


@login_required
def report_open(request: AuthedHttpRequest, definition: int, year: int, pk: int) -> HttpResponse:
    """Open a node's report of a definition and year: the existing one, or start it (POST)."""
    scope = scope_of(request)
    node = node_for(scope, pk, Action.REPORT_WRITE)
    found = definition_for(scope, definition)
    existing = Report.objects.filter(definition=found, year=year, node=node).first()
    if existing is not None:
        return redirect("reports:detail", existing.pk)
    error = ""
    if request.method == "POST":
        try:
            report = services.report_start(
                by=request.user, scope=scope, definition=found, year=year, node=node
            )
        except (DomainError, ValidationError) as exc:
            error = _message(exc)
        else:
            messages.success(request, _("Đã lập báo cáo: số liệu được lấy từ dữ liệu hiện có."))
            return redirect("reports:detail", report.pk)
    return render(
        request,
        "reports/report_open.html",
        {
            "definition": found,
            "year": year,
            "node": node,
            "applies": found.applies_to(node),
            "deadline": found.deadline_for(level_of(node.kind), year),
            "period": found.period_text(year),
            "error": error,
            "active_menu": MENU,
        },
    )


def _report_context(request: AuthedHttpRequest, report: Report) -> dict[str, Any]:
    scope = scope_of(request)
    can_write = scope.allows(Action.REPORT_WRITE, report.node)
    can_review = receives(scope, report)
    keys = report.row_keys or list(report.definition.statistics)
    children = selectors.child_rows(report)
    visible = (
        set(visible_nodes(scope).filter(parent=report.node).values_list("pk", flat=True))
        if children
        else set()
    )
    breakdown = [
        {
            "row": row,
            "visible": row.node.pk in visible,
            "cells": [r.text for r in rows(row.report.statistics, keys)]
            if row.report and row.report.is_received
            else [],
        }
        for row in children
    ]
    return {
        "report": report,
        "definition": report.definition,
        "statistics": report.statistic_rows(),
        "summing": report.children_expected is not None,
        "children": breakdown,
        "stat_labels": [r.label for r in rows({}, keys)],
        "can_edit": can_write and report.is_editable,
        "can_review": can_review and report.status == ReportStatus.SUBMITTED,
        "version_form": VersionForm(initial={"version": report.version}),
        "return_form": ReturnForm(initial={"version": report.version}),
        "active_menu": MENU,
    }


@login_required
def report_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = services.with_current_figures(report_for(scope_of(request), pk))
    return render(request, "reports/report_detail.html", _report_context(request, report))


@login_required
def report_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    report = report_for(scope, pk, Action.REPORT_WRITE)
    if not report.is_editable:
        messages.error(request, _("Báo cáo đã gửi: không sửa được nữa (cấp trên trả lại thì mới sửa được)."))
        return redirect("reports:detail", report.pk)
    form = NarrativeForm(request.POST or None, report=report, initial={"version": report.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(
                by=request.user,
                scope=scope,
                report=report,
                texts=form.texts(),
                expected_version=form.cleaned_data["version"],
            )
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, ConcurrentEditError):
                form.add_error(None, str(exc))
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu báo cáo; số liệu đã được cập nhật."))
            return redirect("reports:detail", report.pk)
    return render(request, "reports/report_edit.html", {"form": form, "report": report, "active_menu": MENU})


def _transition(request: AuthedHttpRequest, report: Report, run: Any, done: str) -> HttpResponse:
    try:
        run()
    except (DomainError, ValidationError) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, done)
    return redirect("reports:detail", report.pk)


@login_required
@require_POST
def report_submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    report = report_for(scope, pk, Action.REPORT_WRITE)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    return _transition(
        request,
        report,
        lambda: services.report_submit(by=request.user, scope=scope, report=report, expected_version=version),
        _("Đã gửi báo cáo lên cấp trên."),
    )


@login_required
@require_POST
def report_accept(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    report = report_for(scope, pk, Action.REPORT_REVIEW)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    return _transition(
        request,
        report,
        lambda: services.report_accept(by=request.user, scope=scope, report=report, expected_version=version),
        _("Đã tiếp nhận báo cáo."),
    )


@login_required
@require_POST
def report_return(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    report = report_for(scope, pk, Action.REPORT_REVIEW)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng nêu lý do trả lại báo cáo."))
        return redirect("reports:detail", report.pk)
    return _transition(
        request,
        report,
        lambda: services.report_return(
            by=request.user,
            scope=scope,
            report=report,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        ),
        _("Đã trả lại báo cáo."),
    )


def _filename(report: Report, ext: str) -> str:
    return f"bao-cao-{report.definition.code}-{report.year}-{report.node.code}.{ext}".lower()


@login_required
def report_docx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = services.with_current_figures(report_for(scope_of(request), pk))
    response = HttpResponse(render_docx(report_document(report)), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "docx")}"'
    return response


@login_required
def report_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = services.with_current_figures(report_for(scope_of(request), pk))
    response = HttpResponse(render_pdf(report_document(report)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response


# --- The board -------------------------------------------------------------------------------


def _board_inputs(request: AuthedHttpRequest) -> tuple[BoardForm, ReportDefinition | None, int, Any]:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    definitions = [d for d in selectors.visible_definitions(scope) if d.is_active]
    form = BoardForm(request.GET or None, definitions=definitions)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    chosen = data.get("definition")
    definition = next((d for d in definitions if d.pk == chosen), definitions[0] if definitions else None)
    year = data.get("year") or timezone.localdate().year
    node_pk = data.get("node")
    node = node_for(scope, node_pk) if node_pk else current_node(request)
    return form, definition, year, node


@login_required
def board(request: AuthedHttpRequest) -> HttpResponse:
    form, definition, year, node = _board_inputs(request)
    scope = scope_of(request)
    found = selectors.board(definition, year, node) if definition is not None and node is not None else None
    parent = node.parent if node is not None and node.parent is not None and scope.sees(node.parent) else None
    return render(
        request,
        "reports/board.html",
        {
            "form": form,
            "definition": definition,
            "year": year,
            "node": node,
            "parent": parent,
            "board": found,
            "period": definition.period_text(year) if definition is not None else "",
            "drillable": {NodeKind.NATION, NodeKind.PROVINCE, NodeKind.COMMUNE},
            "can_export": node is not None and scope.allows(Action.EXPORT, node),
            "active_menu": MENU,
        },
    )


@login_required
def board_xlsx(request: AuthedHttpRequest) -> HttpResponseBase:
    _form, definition, year, node = _board_inputs(request)
    scope = scope_of(request)
    if node is None or not scope.allows(Action.EXPORT, node):
        raise PermissionDenied
    if definition is None:
        messages.error(request, _("Chưa có loại báo cáo nào."))
        return redirect("reports:board")
    title, headers, table, formats = board_table(selectors.board(definition, year, node))
    return xlsx_response(
        f"tinh-hinh-bao-cao-{definition.code}-{year}-{node.code}.xlsx".lower(), title, headers, table, formats
    )


# --- Definitions -----------------------------------------------------------------------------


@login_required
def definition_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    definitions = list(selectors.visible_definitions(scope).order_by("node__path", "title"))
    editable = {
        d.pk for d in definitions if d.node is not None and scope.allows(Action.REPORT_DEFINE, d.node)
    }
    return render(
        request,
        "reports/definition_list.html",
        {
            "definitions": definitions,
            "editable": editable,
            "can_define": scope.can_anywhere(Action.REPORT_DEFINE),
            "active_menu": MENU,
        },
    )


@login_required
def definition_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.REPORT_DEFINE):
        raise PermissionDenied
    provinces = (
        visible_nodes(scope, Action.REPORT_DEFINE).filter(kind=NodeKind.PROVINCE).order_by("search_text")
    )
    initial = {
        "sections": "\n".join(_default_sections()),
        "is_active": True,
        "period_start": "01-01",
        "period_end": "12-31",
    }
    form = DefinitionForm(request.POST or None, provinces=provinces, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.definition_save(
                by=request.user, scope=scope, province=form.cleaned_data["province"], data=form.service_data()
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu loại báo cáo của tỉnh."))
            return redirect("reports:definitions")
    return render(request, "reports/definition_form.html", {"form": form, "active_menu": MENU})


def _default_sections() -> list[str]:
    national = ReportDefinition.objects.filter(node__isnull=True).order_by("code").first()
    return list(national.sections) if national is not None else []


@login_required
def definition_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    definition = definition_for(scope, pk, Action.REPORT_DEFINE)
    form = DefinitionForm(request.POST or None, initial=DefinitionForm.initial_for(definition))
    if request.method == "POST" and form.is_valid():
        try:
            services.definition_save(
                by=request.user,
                scope=scope,
                definition=definition,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version"),
            )
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, ConcurrentEditError):
                form.add_error(None, str(exc))
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu loại báo cáo của tỉnh."))
            return redirect("reports:definitions")
    return render(
        request, "reports/definition_form.html", {"form": form, "definition": definition, "active_menu": MENU}
    )
