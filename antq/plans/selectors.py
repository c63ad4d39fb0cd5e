"""Reads of the plans app: the list, a plan's targets and tasks with their warnings, the roll-up of
child plans' progress. Each function runs a fixed number of queries (aggregates in the database,
no query per row).

Progress rolls up one level: a task shows the progress of the tasks that inherit it in the **issued**
child plans (their average progress and how many are done). A child's own progress is what its level
records: a commune's progress is not recomputed from its units', which it sees on its own plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from antq.accounts.scope import Scope
from antq.org.choices import UNIT_KINDS
from antq.plans.access import plans_q, visible_plans
from antq.plans.choices import PlanLevel, PlanStatus, TaskStatus
from antq.plans.models import Plan, PlanTarget, PlanTask
from antq.plans.rules import cascade_rules


@dataclass(frozen=True)
class PlanFilters:
    year: int | None = None
    level: str = ""
    status: str = ""


def plan_list(*, scope: Scope, filters: PlanFilters) -> QuerySet[Plan]:
    """Plans the user reads, newest year first, with the count of their (non-cancelled) child plans
    and tasks; one query."""
    qs = visible_plans(scope).select_related("node", "parent", "parent__node")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.level == PlanLevel.UNIT:
        qs = qs.filter(node__kind__in=sorted(UNIT_KINDS))
    elif filters.level:
        qs = qs.filter(node__kind=filters.level)
    return qs.annotate(
        children_count=Count("children", filter=~Q(children__status=PlanStatus.CANCELLED), distinct=True),
        tasks_count=Count("tasks", distinct=True),
    ).order_by("-year", "node__path", "-id")


def deadline_warning(own: dt.date | None, parent: dt.date) -> str:
    """The warning of a task whose deadline is later than its superior's, or not set at all."""
    if own is None:
        return _("Chưa đặt hạn; kế hoạch cấp trên hạn %(parent)s") % {"parent": f"{parent:%d/%m/%Y}"}
    return _("Hạn %(own)s muộn hơn hạn của kế hoạch cấp trên (%(parent)s)") % {
        "own": f"{own:%d/%m/%Y}",
        "parent": f"{parent:%d/%m/%Y}",
    }


@dataclass
class TargetRow:
    target: PlanTarget
    warning: str = ""


@dataclass
class Rollup:
    total: int = 0
    done: int = 0
    average: Decimal | None = None


@dataclass
class TaskRow:
    task: PlanTask
    warning: str = ""
    rollup: Rollup = field(default_factory=Rollup)


def target_rows(plan: Plan) -> list[TargetRow]:
    """The plan's targets, each with a warning when it is lower than the target it inherits."""
    rules = cascade_rules()
    rows = []
    for target in plan.targets.select_related("inherited_from").order_by("order", "id"):
        parent = target.inherited_from
        warning = ""
        if (
            parent is not None
            and parent.measure == target.measure
            and target.value < parent.value
            and rules.warns_below(target.measure)
        ):
            warning = _("Thấp hơn chỉ tiêu của kế hoạch cấp trên (%(value)s)") % {
                "value": parent.display_value
            }
        rows.append(TargetRow(target, warning))
    return rows


def rollup(plan: Plan) -> dict[int, Rollup]:
    """Progress of each task of `plan` across the issued child plans that inherit it: one query."""
    rows = (
        PlanTask.objects.filter(inherited_from__plan=plan, plan__status=PlanStatus.ISSUED)
        .values("inherited_from")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            average=Avg("progress"),
        )
        .order_by()
    )
    return {
        row["inherited_from"]: Rollup(
            total=row["total"],
            done=row["done"],
            average=Decimal(str(row["average"])).quantize(Decimal("0.1"))
            if row["average"] is not None
            else None,
        )
        for row in rows
    }


def task_rows(plan: Plan) -> list[TaskRow]:
    """The plan's tasks with their deadline warning and the roll-up of the child plans."""
    rolled = rollup(plan)
    rows = []
    for task in plan.tasks.select_related("inherited_from").order_by("order", "id"):
        warning = ""
        if task.is_late:
            assert task.inherited_from is not None and task.inherited_from.deadline is not None  # noqa: S101
            warning = deadline_warning(task.deadline, task.inherited_from.deadline)
        rows.append(TaskRow(task, warning, rolled.get(task.pk, Rollup())))
    return rows


def plan_warnings(targets: list[TargetRow], tasks: list[TaskRow]) -> list[str]:
    """The plan-level warnings. Issuing is allowed despite them: a level may have a reason to need
    longer than its superior planned (the warning makes it visible to the superior, who can ask for a
    correction), and a refusal would only push drafters to type a false date."""
    out = [f"{row.task.order}. {row.warning}" for row in tasks if row.warning]
    out += [f"{row.target.label}: {row.warning}" for row in targets if row.warning]
    return out


def child_plans(plan: Plan, scope: Scope) -> QuerySet[Plan]:
    """The child plans implementing `plan` that the user reads, with their tasks' progress and how
    many of their deadlines are later than the parent's (or left empty under one); one query."""
    return (
        Plan.objects.filter(parent=plan)
        .filter(plans_q(scope))
        .select_related("node")
        .annotate(
            tasks_count=Count("tasks", distinct=True),
            done_count=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE), distinct=True),
            average=Avg("tasks__progress"),
            late_count=Count(
                "tasks",
                filter=Q(tasks__inherited_from__deadline__isnull=False)
                & (
                    Q(tasks__deadline__gt=F("tasks__inherited_from__deadline"))
                    | Q(tasks__deadline__isnull=True)
                ),
                distinct=True,
            ),
        )
        .order_by("node__path", "-id")
    )


def plan_years(scope: Scope) -> list[int]:
    """The years that have plans the user reads, newest first (the list's year filter)."""
    return list(visible_plans(scope).order_by("-year").values_list("year", flat=True).distinct())
