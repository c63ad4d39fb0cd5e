"""Reads of the audit log, always through the reader's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent


def audit_list(*, scope: Scope) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(scope.q(Action.AUDIT_VIEW, field="node_path")).select_related("actor")


def object_history(obj: Any, *, scope: Scope) -> QuerySet[AuditEvent]:
    return audit_list(scope=scope).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
