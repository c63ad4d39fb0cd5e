"""The allowed transitions of a festival day (workflow as data)."""

from __future__ import annotations

from antq.accounts.roles import Action
from antq.core.workflow import Transition, Workflow
from antq.outreach.choices import FestivalStatus

F = FestivalStatus
FESTIVAL = Workflow(
    F,
    [
        # Held requires the date and the attendance: `services.festival_mark_held` checks them.
        Transition(F.PLANNED, F.HELD, Action.ACTIVITY_RECORD, "hold"),
    ],
)
