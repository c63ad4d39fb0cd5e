"""The audit log's hash chain: what one event's hash is computed from. Pure Python, no models.

Each event stores `prev_hash` (the hash of the event before it in id order, `GENESIS` for the
first) and `hash` = sha256(prev_hash + "\\n" + canonical(event)). Changing a stored event breaks
its own hash; deleting or inserting one breaks the next event's `prev_hash`.

Never change `canonical` or `digest`: every stored hash depends on them (the data migration that
chained the rows written before the chain existed imports them too). A new serialization would be
a new chain version with its own genesis, not an edit here.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

# The `prev_hash` of the first event: 64 zeros, the length of a sha256 hex digest.
GENESIS = "0" * 64

# The columns an event's hash covers, in this order (plus `prev_hash`). The id is not among them:
# chain order is id order, so an event moved to another id breaks the links instead.
FIELDS = (
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "node_path",
    "changes",
    "reason",
    "at",
)


def _moment(at: datetime) -> str:
    """`at` in UTC to the microsecond: what both databases store and give back."""
    if timezone.is_naive(at):
        at = timezone.make_aware(at)  # as Django stores a naive value (with a warning)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_changes(changes: Any) -> Any:
    """`changes` as it reads back from the JSON column: tuples become lists, keys become text."""
    return json.loads(json.dumps(changes if changes is not None else {}))


def canonical(
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: Any,
    object_repr: str,
    node_path: str,
    changes: Any,
    reason: str,
    at: datetime,
    stored: bool = False,
) -> str:
    """One event's fields as one line of JSON: sorted keys, no spaces, UTF-8 kept as is.

    `stored`: `changes` was just read from the database, so it is already in canonical form (a
    verification of 1.5 million events skips re-encoding each one).
    """
    values = [
        None if actor_id is None else int(actor_id),
        str(action),
        str(object_type),
        str(object_id),
        str(object_repr),
        str(node_path),
        changes if stored and changes is not None else canonical_changes(changes),
        str(reason),
        _moment(at),
    ]
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(prev_hash: str, values: dict[str, Any], *, stored: bool = False) -> str:
    """The hash of an event whose fields are `values` ({name: value} of `FIELDS`) after `prev_hash`
    (`stored`: read back from the database, see `canonical`)."""
    text = prev_hash + "\n" + canonical(**{name: values[name] for name in FIELDS}, stored=stored)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
