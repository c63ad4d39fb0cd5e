"""The shape in which an app tells the score sheet what its records say.

The movement's apps (initiatives, forces, outreach, coordination) each answer "what do your records
say about this unit's year?" with a `RecordFact`; `cycles.facts` turns those into prefilled QĐ 510
points (`cycles/data/prefill.yaml` says which fact feeds which item and how). Kept in `core` so the
apps need not import `cycles`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordFact:
    """What the records say (`value`: a bool, or {"met": n, "total": m} for a share), a sentence in
    Vietnamese naming the record(s) it came from, and where that record is shown."""

    value: Any
    source: str
    url: str = ""
