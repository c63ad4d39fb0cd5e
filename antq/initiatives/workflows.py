"""The allowed transitions of an initiative: one table (workflow as data).

An initiative that exists only on paper (or was dissolved) is retired with a reason, either by the
unit that runs it (`ACTIVITY_RECORD`) or by the superior who evaluates it (`ASSESSMENT_REVIEW`). A
transition names one action, so the table names the pseudo-action `RETIRE` and `RetireScope`
answers it with "either of `RETIRE_ACTIONS`"; `may_retire` is the same decision for the screens.
"""

from __future__ import annotations

from dataclasses import dataclass

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.core.workflow import Transition, Workflow
from antq.initiatives.choices import InitiativeStatus
from antq.org.models import OrgNode

RETIRE = "initiative_retire"
RETIRE_ACTIONS = (Action.ACTIVITY_RECORD, Action.ASSESSMENT_REVIEW)

S = InitiativeStatus
INITIATIVE = Workflow(
    S,
    [Transition(S.ACTIVE, S.RETIRED, RETIRE, "retire", reason_required=True)],
)


def may_retire(scope: Scope, node: OrgNode) -> bool:
    """The unit's own officer (or the commune police for it) or the superior who evaluates it."""
    return any(scope.allows(action, node) for action in RETIRE_ACTIONS)


@dataclass(frozen=True)
class RetireScope:
    """The user's scope, answering the table's `RETIRE` with `may_retire` (other actions as is)."""

    scope: Scope

    def allows(self, action: str, node: OrgNode) -> bool:
        if action == RETIRE:
            return may_retire(self.scope, node)
        return self.scope.allows(action, node)
