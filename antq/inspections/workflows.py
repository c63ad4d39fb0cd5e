"""The allowed transitions of inspections and findings: one table each (workflow as data)."""

from __future__ import annotations

from antq.accounts.roles import Action
from antq.core.workflow import Transition, Workflow
from antq.inspections.choices import FindingStatus, InspectionStatus

S = InspectionStatus
INSPECTION = Workflow(
    S,
    [
        Transition(S.PLANNED, S.IN_PROGRESS, Action.INSPECT, "start"),
        Transition(S.IN_PROGRESS, S.CONCLUDED, Action.INSPECT, "conclude"),
        # Closing also needs every finding closed: `services.inspection_transition` checks it.
        Transition(S.CONCLUDED, S.CLOSED, Action.INSPECT, "close"),
    ],
)

F = FindingStatus
FINDING = Workflow(
    F,
    [
        Transition(F.OPEN, F.CLOSED, Action.INSPECT, "close", reason_required=True),
    ],
)
