"""Background export of a dashboard list (large at national scope), discovered by the exports app.

The job's node was checked against the starter's scope when it was queued; the list is read the
same way as the screen's (`selectors.unit_list`), with the filters posted by the list page.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antq.accounts.roles import Action
from antq.core.http import int_or_none
from antq.core.xlsx import Table
from antq.dashboards import selectors, tables
from antq.exports.models import ExportJob
from antq.exports.registry import Exporter, Progress, param_text, register
from antq.org.models import OrgNode


def _arguments(params: dict[str, Any], node: OrgNode) -> tuple[str, int, selectors.ListFilters]:
    """(which list, year, filters) of a job's parameters, as the list page reads its query."""
    which = param_text(params, "which")
    if which not in selectors.LISTS:
        which = "unregistered"
    year = int_or_none(param_text(params, "year")) or timezone.localdate().year
    kind = param_text(params, "kind")
    filters = selectors.ListFilters(
        kind=kind if kind in selectors.ASSESSED_KINDS else "",
        child=selectors.child_of(node, param_text(params, "child")),
    )
    return which, year, filters


def build_list(job: ExportJob, progress: Progress) -> Table:
    which, year, filters = _arguments(job.params or {}, job.node)
    # Rows are read while the exports app writes them; it reports progress against `total`.
    return tables.list_table(job.node, year, which, filters, timezone.localdate())


def describe_list(params: dict[str, Any], node: OrgNode) -> str:
    """ "Đơn vị chưa đăng ký — Xã A — 2026": the list's own title (as on its page and sheet)."""
    which, year, filters = _arguments(params, node)
    return tables.list_title(node, year, which, filters)


register(
    Exporter(
        kind="dashboard_list",
        label=_("Danh sách đơn vị theo chỉ số"),
        action=Action.EXPORT,
        build=build_list,
        filters=("which", "year", "kind", "child"),
        filename="danh-sach-don-vi",
        describe=describe_list,
    )
)
