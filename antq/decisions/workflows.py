"""The allowed transitions of decisions and award proposals: one table each (workflow as data).

The actor needs the action on the decision's issuer (the commune or province whose committee
signs), or on the proposed unit for an award proposal.
"""

from __future__ import annotations

from antq.accounts.roles import Action
from antq.core.workflow import Transition, Workflow
from antq.decisions.choices import AwardStatus, DecisionStatus

D = DecisionStatus
DECISION = Workflow(
    D,
    [
        Transition(D.DRAFT, D.ISSUED, Action.DECISION_ISSUE, "issue"),
        Transition(D.ISSUED, D.REVOKED, Action.DECISION_ISSUE, "revoke", reason_required=True),
        Transition(D.DRAFT, D.CANCELLED, Action.DECISION_DRAFT, "cancel"),
    ],
)

A = AwardStatus
AWARD = Workflow(
    A,
    [
        Transition(A.PROPOSED, A.WITHDRAWN, Action.AWARD_PROPOSE, "withdraw", reason_required=True),
    ],
)
