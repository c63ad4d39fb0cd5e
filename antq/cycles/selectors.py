"""Reads of the annual cycle for screens and the API (they own select_related and counting)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.models import Assessment, Cycle, Registration
from antq.org.models import OrgNode


def registrations(scope: Scope, cycle: Cycle, *, status: str | None = None) -> QuerySet[Registration]:
    qs = Registration.objects.filter(scope.q(Action.VIEW, field="node__path"), cycle=cycle)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("node", "node__parent").order_by("node__search_text", "pk")


def registration_queue(scope: Scope, cycle: Cycle) -> QuerySet[Registration]:
    """Registrations waiting for this user to accept or return them."""
    return (
        Registration.objects.filter(
            scope.q(Action.REGISTRATION_REVIEW, field="node__path"),
            cycle=cycle,
            status=RegistrationStatus.SUBMITTED,
        )
        .select_related("node", "node__parent")
        .order_by("submitted_at", "pk")
    )


def assessments(scope: Scope, cycle: Cycle, *, status: str | None = None) -> QuerySet[Assessment]:
    qs = Assessment.objects.filter(scope.q(Action.VIEW, field="node__path"), cycle=cycle)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("node", "node__parent").order_by("node__search_text", "pk")


def review_queue(scope: Scope, cycle: Cycle) -> QuerySet[Assessment]:
    """Assessments waiting for this user's superior score."""
    return (
        Assessment.objects.filter(
            scope.q(Action.ASSESSMENT_REVIEW, field="node__path"),
            cycle=cycle,
            status=AssessmentStatus.SUBMITTED,
        )
        .select_related("node", "node__parent")
        .order_by("submitted_at", "pk")
    )


@dataclass(frozen=True)
class UnitYear:
    """Where one unit stands in one cycle."""

    cycle: Cycle
    node: OrgNode
    registration: Registration | None
    assessment: Assessment | None


def unit_year(cycle: Cycle, node: OrgNode) -> UnitYear:
    registration = (
        Registration.objects.filter(cycle=cycle, node=node)
        .select_related("resolution", "plan", "form_document")
        .first()
    )
    assessment = Assessment.objects.filter(cycle=cycle, node=node).first()
    return UnitYear(cycle=cycle, node=node, registration=registration, assessment=assessment)
