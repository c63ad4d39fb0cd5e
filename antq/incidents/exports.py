"""XLSX export of the incident register (the list page's filters), registered with antq.exports."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.exports.building import form_data, job_scope, labels_of, param_node, stream, yes_no
from antq.exports.models import ExportJob
from antq.exports.registry import DATE, Exporter, Progress, Table, register
from antq.incidents import selectors
from antq.incidents.catalogue import type_labels
from antq.incidents.choices import IncidentSource, IncidentStatus
from antq.incidents.forms import IncidentFilterForm

FIELDS = (
    "occurred_on",
    "node__code",
    "node__name",
    "node__parent__name",
    "incident_type",
    "place",
    "summary",
    "force_majeure",
    "timely_handled",
    "source",
    "status",
    "revision",
    "reason",
)


def build(job: ExportJob, progress: Progress) -> Table:
    scope = job_scope(job)
    types = type_labels()
    data = form_data(job, IncidentFilterForm, type_choices=list(types.items()))
    filters = selectors.IncidentFilters(
        within=job.node,
        node=param_node(scope, data.get("node")),
        incident_type=data.get("incident_type") or "",
        year=data.get("year"),
        include_withdrawn=bool(data.get("include_withdrawn")),
    )
    qs = selectors.incident_list(scope=scope, filters=filters)
    sources, statuses = labels_of(IncidentSource), labels_of(IncidentStatus)

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[4] = types.get(out[4], out[4])
        out[7], out[8] = yes_no(out[7]), yes_no(out[8])
        out[9] = sources.get(out[9], out[9])
        out[10] = statuses.get(out[10], out[10])
        return out

    return Table(
        title=_("Vụ việc"),
        headers=[
            _("Ngày xảy ra"),
            _("Mã đơn vị"),
            _("Đơn vị"),
            _("Trực thuộc"),
            _("Loại vụ việc"),
            _("Nơi xảy ra"),
            _("Tóm tắt"),
            _("Bất khả kháng"),
            _("Kịp thời phát hiện, xử lý, báo cáo"),
            _("Nguồn tin"),
            _("Tình trạng"),
            _("Lần ghi"),
            _("Lý do đính chính, rút"),
        ],
        rows=stream(qs, FIELDS, row),
        formats={0: DATE, 11: "0"},
        total=qs.count(),
        widths={6: 60},
    )


register(
    Exporter(
        kind="incidents",
        label=gettext_lazy("Sổ vụ việc"),
        action=Action.EXPORT,
        build=build,
        filters=("node", "incident_type", "year", "include_withdrawn"),
    )
)
