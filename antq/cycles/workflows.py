"""The allowed transitions of registrations and assessments: one table each (workflow as data)."""

from __future__ import annotations

from antq.accounts.roles import Action
from antq.core.workflow import Transition, Workflow
from antq.cycles.choices import AssessmentStatus, RegistrationStatus

R = RegistrationStatus
REGISTRATION = Workflow(
    R,
    [
        Transition(R.DRAFT, R.SUBMITTED, Action.REGISTER, "submit"),
        Transition(R.RETURNED, R.SUBMITTED, Action.REGISTER, "resubmit"),
        Transition(R.SUBMITTED, R.ACCEPTED, Action.REGISTRATION_REVIEW, "accept"),
        Transition(R.SUBMITTED, R.RETURNED, Action.REGISTRATION_REVIEW, "return", reason_required=True),
    ],
)

S = AssessmentStatus
ASSESSMENT = Workflow(
    S,
    [
        Transition(S.DRAFT, S.SUBMITTED, Action.SELF_ASSESS, "submit"),
        Transition(S.RETURNED, S.SUBMITTED, Action.SELF_ASSESS, "resubmit"),
        Transition(S.SUBMITTED, S.APPROVED, Action.ASSESSMENT_REVIEW, "approve"),
        Transition(S.SUBMITTED, S.RETURNED, Action.ASSESSMENT_REVIEW, "return", reason_required=True),
    ],
)
