"""The allowed transitions of plans and of their tasks: one table each (workflow as data)."""

from __future__ import annotations

from antq.accounts.roles import Action
from antq.core.workflow import Transition, Workflow
from antq.plans.choices import PlanStatus, TaskStatus

P = PlanStatus
PLAN = Workflow(
    P,
    [
        Transition(P.DRAFT, P.ISSUED, Action.PLAN_MANAGE, "issue"),
        Transition(P.DRAFT, P.CANCELLED, Action.PLAN_MANAGE, "cancel", reason_required=True),
        Transition(P.ISSUED, P.CANCELLED, Action.PLAN_MANAGE, "cancel", reason_required=True),
    ],
)

T = TaskStatus
TASK = Workflow(
    T,
    [
        Transition(T.NOT_STARTED, T.IN_PROGRESS, Action.PLAN_MANAGE, "start"),
        Transition(T.NOT_STARTED, T.DONE, Action.PLAN_MANAGE, "finish"),
        Transition(T.IN_PROGRESS, T.DONE, Action.PLAN_MANAGE, "finish"),
        Transition(T.IN_PROGRESS, T.NOT_STARTED, Action.PLAN_MANAGE, "reset"),
        Transition(T.DONE, T.IN_PROGRESS, Action.PLAN_MANAGE, "reopen", reason_required=True),
    ],
)
