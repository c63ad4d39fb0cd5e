"""XLSX exports of the plans list and of the targets and tasks of the listed plans.

The plans list page reads every plan the user may read (its own levels, those below, and issued
plans above). The export keeps, among those, the plans of the job's node and its subtree, and the
issued plans of the levels above that node (which anyone working on it reads): the export right
is checked on that node at start and download, so nothing of another branch is in the file.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.exports.building import form_data, job_scope, labels_of, stream
from antq.exports.models import ExportJob
from antq.exports.registry import DATE, DECIMAL, INTEGER, Exporter, Progress, Table, register
from antq.org.models import subtree_q
from antq.plans import selectors
from antq.plans.choices import PlanStatus, TargetMeasure, TaskStatus
from antq.plans.forms import PlanFilterForm
from antq.plans.models import Plan, PlanTarget, PlanTask

FILTERS = ("year", "level", "status")
# The plan each target or task belongs to, in the same query (a join).
PLAN_FIELDS = ("plan__year", "plan__node__name", "plan__number", "plan__symbol", "plan__title")
PLAN_HEADERS = (
    gettext_lazy("Năm"),
    gettext_lazy("Cấp ban hành"),
    gettext_lazy("Số"),
    gettext_lazy("Ký hiệu"),
    gettext_lazy("Kế hoạch"),
)


def listed_plans(job: ExportJob) -> QuerySet[Plan]:
    """The plans of the list page with the job's filters, read with the job's export scope."""
    scope = job_scope(job)
    data = form_data(job, PlanFilterForm, years=selectors.plan_years(scope))
    filters = selectors.PlanFilters(
        year=data.get("year"), level=data.get("level") or "", status=data.get("status") or ""
    )
    node = job.node
    above = Q(status=PlanStatus.ISSUED, node__path__in=node.ancestor_paths())
    return selectors.plan_list(scope=scope, filters=filters).filter(
        subtree_q(node.path, field="node__path") | above
    )


def build_plans(job: ExportJob, progress: Progress) -> Table:
    qs = listed_plans(job)
    statuses = labels_of(PlanStatus)

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[6] = statuses.get(out[6], out[6])
        return out

    fields = (
        "year",
        "node__code",
        "node__name",
        "number",
        "symbol",
        "title",
        "status",
        "issued_on",
        "issuer_name",
        "parent__title",
        "tasks_count",
        "children_count",
    )
    return Table(
        title=_("Kế hoạch"),
        headers=[
            _("Năm"),
            _("Mã cấp ban hành"),
            _("Cấp ban hành"),
            _("Số"),
            _("Ký hiệu"),
            _("Trích yếu"),
            _("Trạng thái"),
            _("Ngày ban hành"),
            _("Cơ quan ban hành"),
            _("Kế hoạch cấp trên"),
            _("Số nhiệm vụ"),
            _("Số kế hoạch cấp dưới"),
        ],
        rows=stream(qs, fields, row),
        formats={0: "0", 7: DATE, 10: INTEGER, 11: INTEGER},
        total=qs.count(),
    )


def build_targets(job: ExportJob, progress: Progress) -> Table:
    plans = listed_plans(job).values("pk")
    qs = PlanTarget.objects.filter(plan__in=plans).order_by(
        "-plan__year", "plan__node__path", "plan_id", "order"
    )
    measures = labels_of(TargetMeasure)

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[7] = measures.get(out[7], out[7])
        out[10] = ", ".join(out[10] or [])
        return out

    return Table(
        title=_("Chỉ tiêu"),
        headers=[
            *map(str, PLAN_HEADERS),
            _("Thứ tự"),
            _("Chỉ tiêu"),
            _("Đo bằng"),
            _("Giá trị"),
            _("Của"),
            _("Áp dụng cho"),
        ],
        rows=stream(qs, (*PLAN_FIELDS, "order", "label", "measure", "value", "of_what", "unit_types"), row),
        formats={0: "0", 5: INTEGER, 8: DECIMAL},
        total=qs.count(),
    )


def build_tasks(job: ExportJob, progress: Progress) -> Table:
    plans = listed_plans(job).values("pk")
    qs = PlanTask.objects.filter(plan__in=plans).order_by(
        "-plan__year", "plan__node__path", "plan_id", "order"
    )
    statuses = labels_of(TaskStatus)

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[10] = statuses.get(out[10], out[10])
        return out

    fields = (
        *PLAN_FIELDS,
        "order",
        "content",
        "lead_unit",
        "coordinating_units",
        "deadline",
        "status",
        "progress",
    )
    return Table(
        title=_("Nhiệm vụ"),
        headers=[
            *map(str, PLAN_HEADERS),
            _("Thứ tự"),
            _("Nội dung"),
            _("Đơn vị chủ trì"),
            _("Đơn vị phối hợp"),
            _("Thời hạn"),
            _("Trạng thái"),
            _("Tiến độ (%)"),
        ],
        rows=stream(qs, fields, row),
        formats={0: "0", 5: INTEGER, 9: DATE, 11: INTEGER},
        total=qs.count(),
    )


register(
    Exporter(
        kind="plans",
        label=gettext_lazy("Danh sách kế hoạch"),
        action=Action.EXPORT,
        build=build_plans,
        filters=FILTERS,
    )
)
register(
    Exporter(
        kind="plan_targets",
        label=gettext_lazy("Chỉ tiêu của các kế hoạch"),
        action=Action.EXPORT,
        build=build_targets,
        filters=FILTERS,
    )
)
register(
    Exporter(
        kind="plan_tasks",
        label=gettext_lazy("Nhiệm vụ của các kế hoạch"),
        action=Action.EXPORT,
        build=build_tasks,
        filters=FILTERS,
    )
)
