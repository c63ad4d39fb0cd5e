"""Access-matrix expectations of the plans app's routes (see tests/test_access_matrix.py).

Object routes build a plan of the case's unit (`where`): a unit's plan is read by whoever sees the
unit and managed by whoever holds PLAN_MANAGE there (the unit officer, the administrator). Issued
plans of the levels above are also read by the levels below, which unit plans never are, so the
matrix's SEES table holds for them; the read routes are also tried on the commune's and the
province's plans, where an issued one is read below its issuer (`read_below`). The cascade route
names the node that drafts (a commune).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from antq.plans.choices import PlanStatus, TargetMeasure
from antq.plans.models import Plan, PlanTarget, PlanTask
from tests.matrix import Route

WHERE = ("unit", "sibling_unit", "other_unit")
# Plans read on every level: a unit's, its commune's and its province's (the parents of the commune
# and unit personas). A draft is read where its node is seen; an issued plan also below its issuer.
LEVELS = (*WHERE, "commune", "province")


def _plan(personas: dict[str, Any], tree: Any, where: str, *, issued: bool = False) -> Plan:
    """A plan of the case's unit, with one target and one task (directly: a fixture, not a use case)."""
    today = timezone.localdate()
    plan = Plan.objects.create(
        node=getattr(tree, where),
        year=today.year,
        title="Kế hoạch của đơn vị",
        issuer_name="Tổ dân phố",
        symbol="KH",
        purpose="Mục đích",
        status=PlanStatus.ISSUED if issued else PlanStatus.DRAFT,
        number="3" if issued else "",
        issued_on=today if issued else None,
        created_by=personas["admin"],
    )
    PlanTarget.objects.create(
        plan=plan, label="Đăng ký", measure=TargetMeasure.PERCENT, value=100, of_what="hộ gia đình cam kết"
    )
    PlanTask.objects.create(
        plan=plan, content="Họp dân", lead_unit="Tổ dân phố", deadline=today + dt.timedelta(days=30)
    )
    return plan


def _draft(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"pk": _plan(personas, tree, where).pk}


def _issued(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"pk": _plan(personas, tree, where, issued=True).pk}


def _target(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"pk": _plan(personas, tree, where).targets.get().pk}


def _task(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"pk": _plan(personas, tree, where).tasks.get().pk}


def _issued_task(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"pk": _plan(personas, tree, where, issued=True).tasks.get().pk}


CANCEL = {"reason": "Lập nhầm", "version": 1}
PROGRESS = {"status": "in_progress", "progress": 30, "version": 1, "expected_version": 1}
TARGET = {"label": "Đăng ký", "measure": "percent", "value": "100", "of_what": "hộ gia đình cam kết"}

ROUTES: dict[str, Route] = {
    "plans:list": Route("view"),
    "plans:create": Route("plan_manage"),
    "plans:cascade": Route("plan_manage", target="commune"),
    "plans:detail": Route("view", target=_draft, where=LEVELS),
    "plans:edit": Route("plan_manage", target=_draft, where=WHERE),
    "plans:issue": Route("plan_manage", target=_draft, where=WHERE),
    "plans:cancel": Route("plan_manage", target=_draft, where=WHERE, method="post", data=CANCEL, ok=(302,)),
    "plans:docx": Route("view", target=_issued, where=LEVELS, read_below=True),
    # The PDF is the slowest case (WeasyPrint): its access is the DOCX's, tried on every level above.
    "plans:pdf": Route("view", target=_issued, where=WHERE),
    "plans:target_create": Route("plan_manage", target=_draft, where=WHERE),
    "plans:target_edit": Route("plan_manage", target=_target, where=WHERE),
    "plans:target_delete": Route("plan_manage", target=_target, where=WHERE, method="post", ok=(302,)),
    "plans:task_create": Route("plan_manage", target=_draft, where=WHERE),
    "plans:task_edit": Route("plan_manage", target=_task, where=WHERE),
    "plans:task_delete": Route("plan_manage", target=_task, where=WHERE, method="post", ok=(302,)),
    "plans:task_progress": Route("plan_manage", target=_issued_task, where=WHERE),
    "api:plan-list": Route("view", api=True),
    # No body: whoever may draft a plan somewhere gets the field errors, the others 403.
    "api:plan-list POST": Route("plan_manage", method="post", ok=(400,), api=True),
    "api:plan-detail": Route("view", target=_issued, where=LEVELS, read_below=True, api=True),
    # No body: whoever may draft a plan somewhere gets the field errors, the others 403.
    "api:plan-cascade": Route("plan_manage", method="post", ok=(400,), api=True),
    "api:plan-task-progress": Route(
        "plan_manage", target=_issued_task, where=WHERE, method="post", data=PROGRESS, api=True
    ),
}
