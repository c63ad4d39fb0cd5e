"""The allowed transitions of a coordination agreement (workflow as data)."""

from __future__ import annotations

from antq.accounts.roles import Action
from antq.coordination.choices import AgreementStatus
from antq.core.workflow import Transition, Workflow

S = AgreementStatus
AGREEMENT = Workflow(
    S,
    [
        # Ending an agreement before its term (replaced, the unit dissolved…) always says why.
        Transition(S.IN_FORCE, S.ENDED, Action.ACTIVITY_RECORD, "end", reason_required=True),
    ],
)
