"""XLSX export of the security teams and guard forces list, with the list page's filters."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.exports.building import form_data, job_scope, labels_of, param_node, stream
from antq.exports.models import ExportJob
from antq.exports.registry import DATE, INTEGER, Exporter, Progress, Table, register
from antq.forces import selectors
from antq.forces.choices import TeamKind, TeamStatus
from antq.forces.forms import TeamFilterForm

FIELDS = (
    "node__code",
    "node__name",
    "node__parent__name",
    "name",
    "kind",
    "founded_on",
    "status",
    "member_count",
    "dissolved_on",
    "dissolved_reason",
)


def build(job: ExportJob, progress: Progress) -> Table:
    scope = job_scope(job)
    data = form_data(job, TeamFilterForm)
    filters = selectors.TeamFilters(
        within=job.node,
        node=param_node(scope, data.get("node")),
        kind=data.get("kind") or "",
        status=data.get("status") or "",
    )
    qs = selectors.team_list(scope=scope, filters=filters)
    kinds, statuses = labels_of(TeamKind), labels_of(TeamStatus)

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[4] = kinds.get(out[4], out[4])
        out[6] = statuses.get(out[6], out[6])
        return out

    return Table(
        title=_("Tổ bảo vệ ANTT"),
        headers=[
            _("Mã đơn vị"),
            _("Đơn vị"),
            _("Trực thuộc"),
            _("Tên tổ, lực lượng"),
            _("Loại lực lượng"),
            _("Ngày thành lập"),
            _("Tình trạng"),
            _("Số thành viên hiện có"),
            _("Ngày giải thể"),
            _("Lý do giải thể"),
        ],
        rows=stream(qs, FIELDS, row),
        formats={5: DATE, 7: INTEGER, 8: DATE},
        total=qs.count(),
    )


register(
    Exporter(
        kind="forces_teams",
        label=gettext_lazy("Tổ bảo vệ ANTT, lực lượng bảo vệ"),
        action=Action.EXPORT,
        build=build,
        filters=("node", "kind", "status"),
    )
)
