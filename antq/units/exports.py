"""Background XLSX export of the unit registry, registered with antq.exports.

The same columns as the synchronous export (`exporting`), so the file imports back.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.exports.building import form_data, job_scope
from antq.exports.models import ExportJob
from antq.exports.registry import INTEGER, Exporter, Progress, Table, register
from antq.org.selectors import UnitFilters, unit_list
from antq.units import exporting
from antq.units.forms import UnitFilterForm
from antq.units.importing import COLUMNS

_INTEGER_FIELDS = {"people_count", "subunit_count"}


def build(job: ExportJob, progress: Progress) -> Table:
    data = form_data(job, UnitFilterForm)
    filters = UnitFilters(
        q=data.get("q") or "",
        kind=data.get("kind") or "",
        commune=data.get("commune"),
        eligibility=data.get("eligibility") or "",
        status=data.get("status") or "",
        within=job.node,
    )
    units = unit_list(scope=job_scope(job), filters=filters)
    return Table(
        title=_("Đơn vị"),
        headers=exporting.EXPORT_HEADERS,
        rows=exporting.unit_rows(units),
        formats={i: INTEGER for i, column in enumerate(COLUMNS) if column.field in _INTEGER_FIELDS},
        total=units.count(),
    )


register(
    Exporter(
        kind="units",
        label=gettext_lazy("Danh bạ đơn vị"),
        action=Action.EXPORT,
        build=build,
        filters=("q", "kind", "commune", "eligibility", "status"),
    )
)
