"""XLSX export of the outreach sessions and training classes, with the list page's filters."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.exports.building import form_data, in_job_node, job_scope, labels_of, param_node, stream
from antq.exports.models import ExportJob
from antq.exports.registry import DATE, DATETIME, INTEGER, Exporter, Progress, Table, register
from antq.outreach import selectors
from antq.outreach.choices import DeliveryForm, SessionKind
from antq.outreach.forms import SessionFilterForm

FIELDS = (
    "held_on",
    "node__code",
    "node__name",
    "node__parent__name",
    "kind",
    "topic",
    "place",
    "delivery",
    "headcount",
    "listed",
    "note",
    "withdrawn_at",
    "withdrawn_reason",
)


def build(job: ExportJob, progress: Progress) -> Table:
    scope = job_scope(job)
    data = form_data(job, SessionFilterForm)
    node = param_node(scope, data.get("node"))
    filters = selectors.SessionFilters(
        # A node chosen in the filter replaces the working node on the page: it is then the
        # job's node (`access.requested_node`), so both filters name the same subtree.
        within=job.node,
        node=node,
        kind=data.get("kind") or "",
        year=data.get("year"),
        start=data.get("start"),
        end=data.get("end"),
        include_withdrawn=bool(data.get("include_withdrawn")),
    )
    qs = in_job_node(selectors.session_list(scope=scope, filters=filters), job)
    kinds, deliveries = labels_of(SessionKind), labels_of(DeliveryForm)

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[4] = kinds.get(out[4], out[4])
        out[7] = deliveries.get(out[7], out[7])
        return out

    return Table(
        title=_("Tuyên truyền, tập huấn"),
        headers=[
            _("Ngày tổ chức"),
            _("Mã đơn vị"),
            _("Đơn vị"),
            _("Trực thuộc"),
            _("Loại hoạt động"),
            _("Chủ đề, nội dung"),
            _("Địa điểm"),
            _("Hình thức"),
            _("Số người tham dự (ghi số)"),
            _("Số người trong danh sách"),
            _("Ghi chú"),
            _("Thời điểm rút"),
            _("Lý do rút"),
        ],
        rows=stream(qs, FIELDS, row),
        formats={0: DATE, 8: INTEGER, 9: INTEGER, 11: DATETIME},
        total=qs.count(),
    )


register(
    Exporter(
        kind="outreach_sessions",
        label=gettext_lazy("Buổi tuyên truyền, lớp tập huấn"),
        action=Action.EXPORT,
        build=build,
        filters=("node", "kind", "year", "start", "end", "include_withdrawn"),
    )
)
