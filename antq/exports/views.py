"""Export screens: start a job from a list's "Xuất Excel" button, follow it, download, list.

Jobs are private to their creator (another user, or a node that left the creator's scope: 404).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.scope import scope_of
from antq.core.http import AuthedHttpRequest
from antq.core.xlsx import XLSX_CONTENT_TYPE
from antq.exports import services
from antq.exports.access import exporter_for, job_for, own_jobs, requested_node, start_node
from antq.exports.models import ExportJob, ExportStatus


@login_required
@require_POST
def export_start(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    """Queue an export of the list `kind` with the filters posted by the list page."""
    exporter = exporter_for(kind)
    scope = scope_of(request)
    pk = requested_node(exporter, request.POST, within=request.POST.get("within"))
    node = start_node(scope, exporter, pk=pk, default=current_node(request))
    job = services.export_start(
        by=request.user,
        scope=scope,
        exporter=exporter,
        node=node,
        params=services.clean_params(exporter, request.POST),
    )
    return redirect("exports:detail", job.pk)


def _status_context(job: ExportJob) -> dict[str, Any]:
    return {"job": job, "expired": services.is_expired(job), "active_menu": "exports"}


@login_required
def export_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    job = job_for(scope_of(request), request.user, pk)
    return render(request, "exports/job_detail.html", _status_context(job))


@login_required
def export_progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The status block that htmx polls every second while the job runs.

    Once the job has finished, the block comes without its polling trigger and with status 286,
    htmx's "stop polling": the page then shows the download link in place.
    """
    job = job_for(scope_of(request), request.user, pk)
    response = render(request, "exports/_job_status.html", _status_context(job))
    if not job.is_running:
        response.status_code = 286
    return response


@login_required
def export_download(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    job = job_for(scope_of(request), request.user, pk)
    if services.is_expired(job):
        return render(request, "exports/expired.html", _status_context(job), status=410)
    if job.status != ExportStatus.DONE:
        return redirect("exports:detail", job.pk)
    try:
        stored = services.open_file(job)
    except OSError:
        # Removed outside `purge_exports` (a cleaned disk): to the user it is simply gone.
        return render(request, "exports/expired.html", _status_context(job), status=410)
    services.export_download_record(by=request.user, job=job)
    return FileResponse(
        stored,
        as_attachment=True,
        filename=job.file_name,
        content_type=XLSX_CONTENT_TYPE if job.file_name.endswith(".xlsx") else None,
    )


@login_required
def export_list(request: AuthedHttpRequest) -> HttpResponse:
    """ "Tệp đã xuất": the user's own jobs."""
    jobs = own_jobs(scope_of(request), request.user)
    return render(
        request,
        "exports/job_list.html",
        {
            "jobs": jobs,
            "expired": {j.pk for j in jobs if services.is_expired(j)},
            "retention_hours": int(services.retention().total_seconds() // 3600),
            "active_menu": "exports",
        },
    )
