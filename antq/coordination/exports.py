"""XLSX export of the coordination agreements (quy chế, kế hoạch phối hợp), with the list's filters."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.coordination import selectors
from antq.coordination.choices import AgreementKind, AgreementStatus
from antq.coordination.forms import FilterForm
from antq.exports.building import form_data, in_job_node, job_scope, labels_of, param_node, stream
from antq.exports.models import ExportJob
from antq.exports.registry import DATE, INTEGER, Exporter, Progress, Table, register

FIELDS = (
    "signed_on",
    "node__code",
    "node__name",
    "node__parent__name",
    "kind",
    "number_symbol",
    "title",
    "police_party",
    "other_parties",
    "term_start",
    "term_end",
    "status",
    "execution_count",
    "meeting_count",
    "ended_on",
    "end_reason",
)


def build(job: ExportJob, progress: Progress) -> Table:
    scope = job_scope(job)
    data = form_data(job, FilterForm)
    filters = selectors.CoordinationFilters(within=job.node, node=param_node(scope, data.get("node")))
    # A node chosen in the filter overrides `within` in the selector: keep to the job's node anyway.
    qs = in_job_node(selectors.agreement_list(scope=scope, filters=filters), job)
    kinds, statuses = labels_of(AgreementKind), labels_of(AgreementStatus)

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[4] = kinds.get(out[4], out[4])
        out[11] = statuses.get(out[11], out[11])
        return out

    return Table(
        title=_("Quy chế, kế hoạch phối hợp"),
        headers=[
            _("Ngày ký"),
            _("Mã đơn vị"),
            _("Đơn vị"),
            _("Trực thuộc"),
            _("Loại văn bản"),
            _("Số, ký hiệu"),
            _("Trích yếu"),
            _("Bên công an"),
            _("Các bên khác"),
            _("Hiệu lực từ ngày"),
            _("Hiệu lực đến ngày"),
            _("Tình trạng"),
            _("Số lần thực hiện"),
            _("Số cuộc họp sơ kết, tổng kết"),
            _("Ngày chấm dứt"),
            _("Lý do chấm dứt"),
        ],
        rows=stream(qs, FIELDS, row),
        formats={0: DATE, 9: DATE, 10: DATE, 12: INTEGER, 13: INTEGER, 14: DATE},
        total=qs.count(),
    )


register(
    Exporter(
        kind="coordination_agreements",
        label=gettext_lazy("Quy chế, kế hoạch phối hợp"),
        action=Action.EXPORT,
        build=build,
        filters=("node",),
    )
)
