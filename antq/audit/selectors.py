"""Reads of the audit log, always through the reader's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.org.models import subtree_q


@dataclass(frozen=True)
class AuditFilters:
    """What the log's list (and its export) is narrowed to; empty values filter nothing."""

    object_type: str = ""
    action: str = ""
    # The actor's user name, exactly (case aside).
    actor: str = ""
    # Local calendar days, both included.
    since: date | None = None
    until: date | None = None
    # Events of this node's subtree (the path of a node already checked against the scope).
    node_path: str = ""


def audit_list(*, scope: Scope) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(scope.q(Action.AUDIT_VIEW, field="node_path")).select_related("actor")


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_filtered(*, scope: Scope, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events `scope` may read, narrowed by `filters`, newest first."""
    events = audit_list(scope=scope)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor:
        events = events.filter(actor__username__iexact=filters.actor)
    if filters.since is not None:
        events = events.filter(at__gte=_local_midnight(filters.since))
    if filters.until is not None:
        events = events.filter(at__lt=_local_midnight(filters.until + timedelta(days=1)))
    if filters.node_path:
        events = events.filter(subtree_q(filters.node_path, field="node_path"))
    return events


def object_history(obj: Any, *, scope: Scope) -> QuerySet[AuditEvent]:
    return audit_list(scope=scope).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
