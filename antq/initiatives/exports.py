"""XLSX export of the initiatives list (mô hình tự quản…), with the list page's filters."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.exports.building import form_data, job_scope, labels_of, param_node, stream
from antq.exports.models import ExportJob
from antq.exports.registry import DATE, INTEGER, Exporter, Progress, Table, register
from antq.initiatives import selectors
from antq.initiatives.catalogue import ratings
from antq.initiatives.choices import InitiativeStatus
from antq.initiatives.forms import InitiativeFilterForm

FIELDS = (
    "node__code",
    "node__name",
    "node__parent__name",
    "name",
    "initiative_type__name",
    "lead_name",
    "lead_position",
    "started_on",
    "status",
    "member_count",
    "activity_count",
    "latest_year",
    "latest_rating",
    "retired_on",
    "retirement_reason",
)


def build(job: ExportJob, progress: Progress) -> Table:
    scope = job_scope(job)
    data = form_data(job, InitiativeFilterForm)
    filters = selectors.InitiativeFilters(
        within=job.node,
        node=param_node(scope, data.get("node")),
        initiative_type=data.get("initiative_type"),
        status=data.get("status") or "",
    )
    qs = selectors.initiative_list(scope=scope, filters=filters)
    statuses, levels = labels_of(InitiativeStatus), ratings()

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[8] = statuses.get(out[8], out[8])
        out[12] = levels.label(out[12]) if out[12] else ""
        return out

    return Table(
        title=_("Mô hình"),
        headers=[
            _("Mã đơn vị"),
            _("Đơn vị"),
            _("Trực thuộc"),
            _("Tên mô hình"),
            _("Loại mô hình"),
            _("Người phụ trách"),
            _("Chức vụ"),
            _("Ngày bắt đầu"),
            _("Tình trạng"),
            _("Số thành viên"),
            _("Số hoạt động"),
            _("Năm đánh giá gần nhất"),
            _("Xếp loại gần nhất"),
            _("Ngày thanh loại"),
            _("Lý do thanh loại"),
        ],
        rows=stream(qs, FIELDS, row),
        formats={7: DATE, 9: INTEGER, 10: INTEGER, 11: "0", 13: DATE},
        total=qs.count(),
    )


register(
    Exporter(
        kind="initiatives",
        label=gettext_lazy("Danh sách mô hình"),
        action=Action.EXPORT,
        build=build,
        filters=("node", "initiative_type", "status"),
    )
)
