"""Checking the audit log's hash chain (`audit.chain`), as `antq audit_verify` does.

The log is read in id order, in batches by id (keyset: constant memory and cost per row, however
long the log), and every event is checked twice: its `prev_hash` must be the hash of the event
before it (else an event was deleted or inserted there), and its `hash` must be the digest of its
own fields after `prev_hash` (else the event was altered). The walk stops at the first break.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from antq.audit import chain
from antq.audit.models import AuditEvent

BATCH = 20_000


class BreakKind(StrEnum):
    # The stored hash is not the digest of the stored fields: the event was altered.
    ALTERED = "hash"
    # The event does not follow the one before it: an event was deleted or inserted before it.
    RELINKED = "prev"


@dataclass(frozen=True)
class Break:
    """The first broken link: the event where the chain stops holding, and what is wrong there."""

    id: int
    at: datetime
    kind: BreakKind
    expected: str
    found: str


@dataclass(frozen=True)
class Verification:
    """How many events were checked (all of them when `broken` is None) and the chain's head."""

    checked: int
    last_id: int | None
    head: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_chain(*, batch: int = BATCH, progress: Callable[[int], None] | None = None) -> Verification:
    """Walk the whole chain from the genesis value; `progress(checked)` after each batch."""
    columns = ("id", *chain.FIELDS, "prev_hash", "hash")
    head, last_id, checked = chain.GENESIS, 0, 0
    seen: int | None = None
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id").values_list(*columns)[:batch])
        if not rows:
            return Verification(checked=checked, last_id=seen, head=head, broken=None)
        for row in rows:
            pk, prev_hash, stored = row[0], row[-2], row[-1]
            values = dict(zip(chain.FIELDS, row[1:-2], strict=True))
            if prev_hash != head:
                found = Break(pk, values["at"], BreakKind.RELINKED, expected=head, found=prev_hash)
                return Verification(checked=checked, last_id=seen, head=head, broken=found)
            computed = chain.digest(prev_hash, values, stored=True)
            if stored != computed:
                found = Break(pk, values["at"], BreakKind.ALTERED, expected=computed, found=stored)
                return Verification(checked=checked, last_id=seen, head=head, broken=found)
            head, seen, checked = stored, pk, checked + 1
        last_id = rows[-1][0]
        if progress is not None:
            progress(checked)
