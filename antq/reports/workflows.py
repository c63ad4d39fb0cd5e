"""The allowed transitions of a periodic report (workflow as data).

The writer (REPORT_WRITE on the report's node) submits; the level above (REPORT_REVIEW on the
report's node: the commune police for units, the province officer for communes, the administrator
for provinces) accepts it or returns it with a reason, after which the writer corrects and
submits again.
"""

from __future__ import annotations

from antq.accounts.roles import Action
from antq.core.workflow import Transition, Workflow
from antq.reports.choices import ReportStatus

R = ReportStatus
REPORT = Workflow(
    R,
    [
        Transition(R.DRAFT, R.SUBMITTED, Action.REPORT_WRITE, "submit"),
        Transition(R.RETURNED, R.SUBMITTED, Action.REPORT_WRITE, "submit"),
        Transition(R.SUBMITTED, R.ACCEPTED, Action.REPORT_REVIEW, "accept"),
        Transition(R.SUBMITTED, R.RETURNED, Action.REPORT_REVIEW, "return", reason_required=True),
    ],
)
