"""Writing audit events; every service that changes state calls `record` inside its transaction.

Every write path chains its events (`audit.chain`): `record`, `record_many`, a direct
`AuditEvent.objects.create` (the model's `save`) and the unit import's COPY (`chained_rows`, used by
`units.import_writes.insert_rows`). All of them go through `chain_events` / `chained_rows`, which
take the chain's lock and read the last hash.

The lock: ids and the chain must agree (chain order is id order), so two transactions may not
read the same last hash and both append after it. On PostgreSQL the writer takes a transaction-level
advisory lock (`CHAIN_LOCK`) before reading the last hash; it is held until its transaction commits
or rolls back. Audit writes therefore serialize: a transaction that has written an audit event
holds up every other audit write until it ends. Services keep their transactions short; the unit
import (one transaction for the whole file) holds it for as long as it writes. SQLite allows one
writer at a time anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import connection, transaction

from antq.audit import chain
from antq.audit.models import AuditAction, AuditEvent

if TYPE_CHECKING:  # the selectors read scopes and nodes; the log's writers need neither
    from antq.audit.selectors import AuditFilters

# The advisory lock key of the chain (any constant unique in the database): "antqaudt" in ASCII.
CHAIN_LOCK = 0x616E7471_61756474


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [old, new]}."""
    return {key: [old.get(key), value] for key, value in new.items() if old.get(key) != value}


def chain_head() -> str:
    """Take the chain's lock and return the last event's hash (`chain.GENESIS` for an empty log).

    Call inside a transaction (`transaction.atomic`) that then writes the events: outside one, the
    lock would end with this statement. The lock is re-entrant within the transaction.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("chain_head() needs a transaction: the lock must last until the rows are in")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    return chain.GENESIS if last is None else last


def _values(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in chain.FIELDS}


def chain_events(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """`events` (unsaved, in the order they will be inserted) with `prev_hash` and `hash` filled.

    Call inside the transaction that inserts them, right before inserting: see `chain_head`.
    """
    prepared = list(events)
    head = chain_head()
    for event in prepared:
        event.prev_hash = head
        event.hash = head = chain.digest(head, _values(event))
    return prepared


def chained_rows(
    names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]:
    """Rows of new events given as values of the fields `names` (which must hold `chain.FIELDS`),
    as (names + prev_hash, hash; the rows with those two values added), for COPY or `bulk_create`.

    The lock is taken and the last hash read now; the rows are chained as they are consumed, so a
    generator stays a generator. Insert them in this order, inside the current transaction.
    """
    missing = set(chain.FIELDS) - set(names)
    if missing:
        raise ValueError(f"audit rows without {sorted(missing)}: their hash would not cover them")
    head = chain_head()
    index = {name: i for i, name in enumerate(names)}

    def chained() -> Iterator[tuple[Any, ...]]:
        nonlocal head
        for row in rows:
            prev = head
            head = chain.digest(prev, {name: row[index[name]] for name in chain.FIELDS})
            yield (*row, prev, head)

    return (*names, "prev_hash", "hash"), chained()


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
    event = AuditEvent(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        node_path=node_path,
        changes=dict(changes or {}),
        reason=reason[:500],
    )
    with transaction.atomic(savepoint=False):  # no savepoint: a failure fails the caller too
        chain_events([event])
        event.save(force_insert=True)
    return event


def audit_export_record(*, by: User, nodes: Iterable[Any], filters: AuditFilters, rows: int) -> None:
    """Log a download of the audit log itself (the screen's "Xuất Excel"): a copy of the log leaving
    the system is an event of the log, with the filters set and the rows sent, on each node whose
    events it may hold (the node it was narrowed to, or each node the user exports from), so that
    every subtree's readers see it."""
    described = "; ".join(f"{name}={value}" for name, value in asdict(filters).items() if value) or "—"
    for node in nodes:
        record(
            actor=by,
            action=AuditAction.DOWNLOAD,
            obj=node,
            node_path=node.path,
            changes={"export": "audit_events", "filters": described, "rows": rows},
        )


def record_many(events: Iterable[AuditEvent], *, batch_size: int = 2000) -> None:
    """Bulk-append prepared events (imports); same rows as `record`, fewer round trips."""
    with transaction.atomic(savepoint=False):
        AuditEvent.objects.bulk_create(chain_events(events), batch_size=batch_size)
