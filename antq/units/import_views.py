"""Import screens (upload, check, confirm, progress) and the spreadsheet downloads (export, template).

A job is private to its creator: another user, or the creator once the job's node has left their
import scope, gets 404 as for any object outside their scope.
"""

from __future__ import annotations

import io
import tempfile
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.core.errors import DomainError
from antq.core.http import AuthedHttpRequest
from antq.org.choices import UNIT_PARENT_KINDS
from antq.org.models import OrgNode
from antq.org.selectors import unit_list
from antq.units import exporting, importing, tasks
from antq.units.models import ImportJob
from antq.units.views import filters_from_request

RECENT_JOBS = 10


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp dữ liệu"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": f".xlsx,.csv,{exporting.XLSX_CONTENT_TYPE},text/csv",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Tệp Excel (.xlsx) hoặc CSV (UTF-8), tối đa %(mb)s MB và %(rows)s dòng; dòng đầu là tiêu đề cột "
            "như tệp mẫu."
        ) % {
            "mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            "rows": importing.format_count(settings.IMPORT_MAX_ROWS),
        }


def _import_node(request: AuthedHttpRequest, scope: Scope) -> OrgNode | None:
    """The current node if the user may import there, else their highest node where they may."""
    node = current_node(request)
    if node is not None and scope.allows(Action.UNIT_IMPORT, node):
        return node
    return (
        OrgNode.objects.filter(pk__in=scope.root_nodes())
        .filter(scope.q(Action.UNIT_IMPORT))
        .order_by("depth", "path")
        .first()
    )


def _job_for(request: AuthedHttpRequest, pk: int) -> ImportJob:
    job = ImportJob.objects.select_related("node").filter(pk=pk, created_by=request.user.pk).first()
    if job is None or not scope_of(request).allows(Action.UNIT_IMPORT, job.node):
        raise Http404
    return job


def _status_context(job: ImportJob) -> dict[str, Any]:
    ready = job.status == ImportJob.Status.READY
    # What the updates will change: only while the user has to decide (the file goes with the
    # job's end); polling stops with the response that first shows READY, so it is read once.
    preview = importing.load_preview(job.stored_file) if ready and job.to_update else []
    return {
        "job": job,
        "progress": importing.job_progress(job),
        "can_confirm": ready,
        # Also a job that seems interrupted: otherwise it would stay "running" for good.
        "can_cancel": importing.can_cancel(job),
        "errors_truncated": job.error_count > len(job.errors),
        "preview": preview,
        "preview_truncated": job.to_update > len(preview),
        "active_menu": "import",
    }


@login_required
def import_start(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.UNIT_IMPORT):
        raise PermissionDenied
    node = _import_node(request, scope)
    if node is None:
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.start_import(by=request.user, node=node, upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            # After commit: the worker must find the job row.
            transaction.on_commit(partial(tasks.validate_import.enqueue, job.pk))
            return redirect("units:import_detail", job.pk)
    jobs = list(
        ImportJob.objects.filter(created_by=request.user.pk)
        .filter(scope.q(Action.UNIT_IMPORT, field="node__path"))
        .select_related("node")[:RECENT_JOBS]
    )
    return render(
        request,
        "units/import_start.html",
        {
            "form": form,
            "node": node,
            "jobs": jobs,
            # A job whose worker died reads "running" for good: say so where the user looks first.
            "interrupted": {j.pk for j in jobs if j.is_running and importing.seems_interrupted(j)},
            "active_menu": "import",
        },
    )


@login_required
def import_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    return render(request, "units/import_detail.html", _status_context(job))


@login_required
def import_progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The status block that htmx polls every second while the job runs.

    Once the job has finished, the block comes without its polling trigger and with status 286,
    htmx's "stop polling": the page then shows the result in place.
    """
    job = _job_for(request, pk)
    response = render(request, "units/import_status.html", _status_context(job))
    if not job.is_running:
        response.status_code = 286
    return response


@login_required
@require_POST
def import_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if importing.confirm_import(job=job):
        transaction.on_commit(partial(tasks.apply_import.enqueue, job.pk))
        # No flash message: it would stay on the page after the job ends ("đang ghi" next to
        # "Đã nhập xong"). The status block, which follows the job, says it is being written.
    else:
        messages.error(request, _("Lần nhập này không còn chờ xác nhận."))
    return redirect("units:import_detail", job.pk)


@login_required
@require_POST
def import_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if importing.cancel_import(job=job):
        messages.success(request, _("Đã huỷ lần nhập; không có dữ liệu nào được ghi."))
    else:
        messages.error(request, _("Không huỷ được: lần nhập này đã kết thúc hoặc đang ghi dữ liệu."))
    return redirect("units:import_detail", job.pk)


@login_required
def import_template(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.UNIT_IMPORT):
        raise PermissionDenied
    node = _import_node(request, scope)
    if node is not None and node.is_unit and node.parent is not None:
        node = node.parent  # a unit's officer: the example hangs under the unit's commune
    # A real parent code of the user shows the expected format; a national user gets a placeholder.
    parent_code = node.code if node is not None and node.kind in UNIT_PARENT_KINDS else "X00000"
    out = io.BytesIO()
    exporting.write_template(out, parent_code=parent_code)
    response = HttpResponse(out.getvalue(), content_type=exporting.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-don-vi.xlsx"'
    return response


@login_required
def export_units(request: AuthedHttpRequest) -> FileResponse:
    """The unit list as filtered on screen, limited to where the user may export, as XLSX."""
    scope = scope_of(request)
    if not scope.can_anywhere(Action.EXPORT):
        raise PermissionDenied
    _form, filters = filters_from_request(request)
    units = unit_list(scope=scope, filters=filters, action=Action.EXPORT)
    # openpyxl builds the zip at the end; a temporary file keeps large exports out of memory.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    exporting.write_units(units, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"don-vi-{timezone.localdate():%Y%m%d}.xlsx",
        content_type=exporting.XLSX_CONTENT_TYPE,
    )
