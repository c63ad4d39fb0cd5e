"""Background exports of the reports app (discovered by ExportsConfig.ready):

* `reports`: the list of reports with its page's filters (XLSX);
* `report_document`: one report's DOCX or PDF built by the worker, for the large ones (a province's
  or the nation's report with its per-child annex), with a download link when done.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.core.errors import DomainError
from antq.documents import render_docx, render_pdf
from antq.exports.building import int_param, job_scope, labels_of, stream
from antq.exports.models import ExportJob
from antq.exports.registry import DATETIME, Exporter, Progress, Table, param_text, register
from antq.reports import selectors, services
from antq.reports.access import report_for
from antq.reports.choices import ReportStatus
from antq.reports.documents import report_document

LIST_FILTERS = ("box", "year", "definition", "status")


def build_reports(job: ExportJob, progress: Progress) -> Table:
    scope = job_scope(job)
    status = param_text(job.params, "status")
    filters = selectors.ReportFilters(
        box=param_text(job.params, "box") or "all",
        year=int_param(job, "year"),
        definition=int_param(job, "definition"),
        status=status if status in ReportStatus.values else "",
        within=job.node,
    )
    qs = selectors.report_list(scope=scope, filters=filters)
    statuses = labels_of(ReportStatus)

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[4] = statuses.get(out[4], out[4])
        return out

    return Table(
        title=_("Báo cáo định kỳ"),
        headers=[
            _("Năm"),
            _("Báo cáo"),
            _("Mã cấp báo cáo"),
            _("Cấp báo cáo"),
            _("Trạng thái"),
            _("Gửi lúc"),
        ],
        rows=stream(
            qs, ("year", "definition__title", "node__code", "node__name", "status", "submitted_at"), row
        ),
        formats={0: "0", 5: DATETIME},
        total=qs.count(),
    )


def build_document(job: ExportJob, progress: Progress) -> tuple[bytes, str]:
    """The DOCX (or PDF with `format=pdf`) of the report `report`, read with the job's scope."""
    scope = job_scope(job)
    pk = int_param(job, "report")
    if pk is None:
        raise DomainError(_("Chưa chọn báo cáo."))
    report = report_for(scope, pk)
    if report.node_id != job.node_id:
        raise PermissionDenied
    progress(0, 1)
    pdf = param_text(job.params, "format") == "pdf"
    document = report_document(services.with_current_figures(report))
    data = render_pdf(document) if pdf else render_docx(document)
    progress(1, 1)
    name = f"bao-cao-{report.definition.code}-{report.year}-{report.node.code}".lower()
    return data, f"{name}.{'pdf' if pdf else 'docx'}"


register(
    Exporter(
        kind="reports",
        label=gettext_lazy("Danh sách báo cáo định kỳ"),
        action=Action.EXPORT,
        build=build_reports,
        filters=LIST_FILTERS,
    )
)
register(
    Exporter(
        kind="report_document",
        label=gettext_lazy("Văn bản báo cáo định kỳ"),
        action=Action.EXPORT,
        build=build_document,
        filters=("report", "format"),
    )
)
