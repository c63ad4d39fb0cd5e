"""Workflow as data: one table of allowed transitions per object, one helper that applies them.

Each object type (registration, assessment, decision…) declares its `Workflow`: the allowed
(from → to) pairs, the action the actor needs on the object's node, and whether a reason is
required. `apply_transition` is the only code that changes a `status`: it locks the row, checks the
version the user saw, the table and the actor's scope, saves with `update_fields`, and writes the
audit event (who, when, from → to, why) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from antq.audit.conflicts import concurrent_edit_message
from antq.audit.models import AuditAction
from antq.audit.services import record
from antq.core.errors import ConcurrentEditError, DomainError


class Scoped(Protocol):
    def allows(self, action: str, node: Any) -> bool: ...


@dataclass(frozen=True)
class Transition:
    """One allowed move: `source` → `target`, by whoever holds `action` on the object's node."""

    source: str
    target: str
    action: str
    verb: str
    reason_required: bool = False


class Workflow:
    """The allowed transitions of one object type, with the labels of its statuses."""

    def __init__(self, statuses: type[models.TextChoices], transitions: list[Transition]) -> None:
        self.statuses = statuses
        self._table = {(t.source, t.target): t for t in transitions}

    def label(self, status: str) -> str:
        return str(self.statuses(status).label)

    def find(self, source: str, target: str) -> Transition:
        transition = self._table.get((source, target))
        if transition is None:
            raise DomainError(
                _("Không thể chuyển từ “%(source)s” sang “%(target)s”.")
                % {"source": self.label(source), "target": self.label(target)}
            )
        return transition

    def targets(self, source: str) -> list[Transition]:
        return [t for (s, _t), t in self._table.items() if s == source]

    def transitions(self) -> list[Transition]:
        return list(self._table.values())


M = TypeVar("M", bound=models.Model)


def apply_transition(
    obj: M,
    *,
    workflow: Workflow,
    to: str,
    by: User,
    scope: Scoped,
    node: Any,
    reason: str = "",
    expected_version: int | None = None,
    updates: Mapping[str, Any] | None = None,
    unaudited: frozenset[str] = frozenset(),
) -> M:
    """Move `obj` to status `to`, with `updates` saved in the same row; audited, atomic.

    `unaudited` names updated fields too bulky for the audit entry (a stored engine result, which
    is rebuilt from the audited inputs)."""
    updates = dict(updates or {})
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
        current = locked.status  # type: ignore[attr-defined]
        if expected_version is not None and locked.version != expected_version:  # type: ignore[attr-defined]
            raise ConcurrentEditError(concurrent_edit_message(locked))
        transition = workflow.find(current, to)
        if not scope.allows(transition.action, node):
            raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
        reason = reason.strip()
        if transition.reason_required and not reason:
            raise DomainError(_("Cần nêu lý do."))
        locked.status = to  # type: ignore[attr-defined]
        for field, value in updates.items():
            setattr(locked, field, value)
        locked.version += 1  # type: ignore[attr-defined]
        fields = ["status", "version", *updates]
        if any(f.name == "updated_at" for f in locked._meta.get_fields()):
            fields.append("updated_at")
        locked.save(update_fields=fields)
        changes: dict[str, Any] = {"status": [current, to]}
        changes.update(
            {k: [None, _plain(v)] for k, v in updates.items() if k != "version" and k not in unaudited}
        )
        record(
            actor=by,
            action=AuditAction.TRANSITION,
            obj=locked,
            node_path=node.path,
            changes=changes,
            reason=reason,
        )
    return locked


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
