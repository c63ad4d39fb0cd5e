"""The allowed transitions of the forces app's records: one table each (workflow as data)."""

from __future__ import annotations

from antq.accounts.roles import Action
from antq.core.workflow import Transition, Workflow
from antq.forces.choices import RoundStatus, TeamStatus

R = RoundStatus
# The commune police propose the ratings (FORCE_RATE on the commune); the chairman of the commune
# committee decides (HD 01/HD-BCA-V05), which is DECISION_ISSUE on the commune. A returned round is
# edited again by the police and resubmitted; an approved one never changes.
ROUND = Workflow(
    R,
    [
        Transition(R.DRAFT, R.SUBMITTED, Action.FORCE_RATE, "submit"),
        Transition(R.RETURNED, R.SUBMITTED, Action.FORCE_RATE, "resubmit"),
        Transition(R.SUBMITTED, R.APPROVED, Action.DECISION_ISSUE, "approve"),
        Transition(R.SUBMITTED, R.RETURNED, Action.DECISION_ISSUE, "return", reason_required=True),
    ],
)

T = TeamStatus
TEAM = Workflow(
    T,
    [
        Transition(T.ACTIVE, T.DISSOLVED, Action.ACTIVITY_RECORD, "dissolve", reason_required=True),
        Transition(T.DISSOLVED, T.ACTIVE, Action.ACTIVITY_RECORD, "reactivate", reason_required=True),
    ],
)
