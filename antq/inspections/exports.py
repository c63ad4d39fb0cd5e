"""XLSX export of the inspections list with their findings counts, with the list page's filters."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.exports.building import form_data, job_scope, labels_of, param_node, stream
from antq.exports.models import ExportJob
from antq.exports.registry import DATE, INTEGER, Exporter, Progress, Table, register
from antq.inspections import selectors
from antq.inspections.choices import InspectionStatus
from antq.inspections.forms import InspectionFilterForm

FIELDS = (
    "inspected_on",
    "node__code",
    "node__name",
    "node__parent__name",
    "inspector_node__name",
    "basis",
    "status",
    "conclusion",
    "findings_total",
    "open_findings",
    "overdue_findings",
)


def build(job: ExportJob, progress: Progress) -> Table:
    scope = job_scope(job)
    data = form_data(job, InspectionFilterForm)
    filters = selectors.InspectionFilters(
        within=job.node,
        node=param_node(scope, data.get("node")),
        year=data.get("year"),
        status=data.get("status") or "",
    )
    qs = selectors.inspection_list(scope=scope, filters=filters, today=timezone.localdate())
    qs = qs.annotate(findings_total=Count("findings"))
    statuses = labels_of(InspectionStatus)

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[6] = statuses.get(out[6], out[6])
        return out

    return Table(
        title=_("Kiểm tra phong trào"),
        headers=[
            _("Ngày kiểm tra"),
            _("Mã đơn vị"),
            _("Đơn vị được kiểm tra"),
            _("Trực thuộc"),
            _("Cấp kiểm tra"),
            _("Căn cứ kiểm tra"),
            _("Trạng thái"),
            _("Kết luận"),
            _("Số phát hiện"),
            _("Phát hiện chưa khắc phục"),
            _("Phát hiện quá hạn"),
        ],
        rows=stream(qs, FIELDS, row),
        formats={0: DATE, 8: INTEGER, 9: INTEGER, 10: INTEGER},
        total=qs.count(),
    )


register(
    Exporter(
        kind="inspections",
        label=gettext_lazy("Danh sách kiểm tra"),
        action=Action.EXPORT,
        build=build,
        filters=("node", "year", "status"),
    )
)
