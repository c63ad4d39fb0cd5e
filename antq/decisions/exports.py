"""XLSX exports of the decisions list and the award proposals list, with their pages' filters.

Both keep to the job's node: decisions issued there or below, proposals for units of its subtree.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.cycles.access import visible_cycles
from antq.decisions import selectors
from antq.decisions.choices import AwardKind, AwardStatus, DecisionKind, DecisionStatus
from antq.decisions.forms import DecisionFilterForm
from antq.exports.building import form_data, in_job_node, int_param, job_scope, labels_of, stream
from antq.exports.models import ExportJob
from antq.exports.registry import DATE, INTEGER, Exporter, Progress, Table, register


def build_decisions(job: ExportJob, progress: Progress) -> Table:
    scope = job_scope(job)
    cycles = visible_cycles(scope)
    data = form_data(job, DecisionFilterForm, cycles=[(c.pk, str(c.year)) for c in cycles])
    cycle = next((c for c in cycles if c.pk == data.get("cycle")), None)
    filters = selectors.DecisionFilters(
        cycle=cycle, kind=data.get("kind") or "", status=data.get("status") or ""
    )
    qs = in_job_node(selectors.decision_list(scope=scope, filters=filters), job, field="issuer__path")
    kinds, statuses = labels_of(DecisionKind), labels_of(DecisionStatus)

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[2] = kinds.get(out[2], out[2])
        out[6] = statuses.get(out[6], out[6])
        return out

    fields = (
        "cycle__year",
        "cycle__province__name",
        "kind",
        "issuer__name",
        "number",
        "symbol",
        "status",
        "issued_on",
        "signer_name",
        "unit_count",
        "revoked_on",
        "revoke_reason",
    )
    return Table(
        title=_("Quyết định"),
        headers=[
            _("Năm"),
            _("Tỉnh"),
            _("Loại quyết định"),
            _("Cơ quan ban hành"),
            _("Số"),
            _("Ký hiệu"),
            _("Trạng thái"),
            _("Ngày ký"),
            _("Người ký"),
            _("Số đơn vị"),
            _("Ngày thu hồi"),
            _("Lý do thu hồi"),
        ],
        rows=stream(qs, fields, row),
        formats={0: "0", 7: DATE, 9: INTEGER, 10: DATE},
        total=qs.count(),
    )


def build_awards(job: ExportJob, progress: Progress) -> Table:
    scope = job_scope(job)
    wanted = int_param(job, "cycle")
    cycle = next((c for c in visible_cycles(scope) if c.pk == wanted), None)
    status = job.params.get("status") if job.params.get("status") in AwardStatus.values else ""
    qs = in_job_node(selectors.award_list(scope=scope, cycle=cycle, status=status or ""), job)
    kinds, statuses = labels_of(AwardKind), labels_of(AwardStatus)

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[4] = kinds.get(out[4], out[4])
        out[8] = statuses.get(out[8], out[8])
        return out

    fields = (
        "cycle__year",
        "node__code",
        "node__name",
        "node__parent__name",
        "kind",
        "recipient_name",
        "award_title",
        "content",
        "status",
        "reason",
        "created_at",
    )
    return Table(
        title=_("Đề nghị khen thưởng"),
        headers=[
            _("Năm"),
            _("Mã đơn vị"),
            _("Đơn vị"),
            _("Trực thuộc"),
            _("Tập thể / cá nhân"),
            _("Họ tên cá nhân"),
            _("Hình thức khen thưởng đề nghị"),
            _("Thành tích"),
            _("Trạng thái"),
            _("Lý do rút đề nghị"),
            _("Ngày đề nghị"),
        ],
        rows=stream(qs, fields, row),
        formats={0: "0", 10: DATE},
        total=qs.count(),
    )


register(
    Exporter(
        kind="decisions",
        label=gettext_lazy("Danh sách quyết định"),
        action=Action.EXPORT,
        build=build_decisions,
        filters=("cycle", "kind", "status"),
    )
)
register(
    Exporter(
        kind="award_proposals",
        label=gettext_lazy("Đề nghị khen thưởng"),
        action=Action.EXPORT,
        build=build_awards,
        filters=("cycle", "status"),
    )
)
