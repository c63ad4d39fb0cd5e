"""Writing audit events; every service that changes state calls `record` inside its transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User

from antq.audit.models import AuditEvent


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [old, new]}."""
    return {key: [old.get(key), value] for key, value in new.items() if old.get(key) != value}


def record(
    *,
    actor: User | None,
    action: str,
    obj: Any,
    node_path: str,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit event for `obj`."""
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        node_path=node_path,
        changes=dict(changes or {}),
        reason=reason[:500],
    )


def record_many(events: Iterable[AuditEvent], *, batch_size: int = 2000) -> None:
    """Bulk-append prepared events (imports); same rows as `record`, fewer round trips."""
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)
