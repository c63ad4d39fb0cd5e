"""The cascade rules of `data/cascade.yaml`: lead times per level and when a lowered target warns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "cascade.yaml"


@dataclass(frozen=True)
class CascadeRules:
    source: str
    lead_days: dict[str, int]
    not_before_drafting_day: bool
    warn_below_parent: dict[str, bool]

    def lead_for(self, kind: str) -> int:
        """Days a child of this kind finishes before its parent's deadline (0 when not listed)."""
        return self.lead_days.get(kind, 0)

    def back_schedule(self, parent_deadline: dt.date | None, kind: str, today: dt.date) -> dt.date | None:
        """The child's deadline: the parent's minus the lead time, not before `today` (if the rule
        says so) and never after the parent's own deadline."""
        if parent_deadline is None:
            return None
        day = parent_deadline - dt.timedelta(days=self.lead_for(kind))
        if self.not_before_drafting_day and day < today:
            day = min(today, parent_deadline)
        return day

    def warns_below(self, measure: str) -> bool:
        return self.warn_below_parent.get(measure, True)


def _read(path: Path) -> CascadeRules:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    lead = {str(k): int(v) for k, v in (raw.get("lead_days") or {}).items()}
    if any(v < 0 for v in lead.values()):
        raise ValueError(f"{path}: lead_days must not be negative")
    return CascadeRules(
        source=str(raw.get("source") or ""),
        lead_days=lead,
        not_before_drafting_day=bool(raw.get("not_before_drafting_day", True)),
        warn_below_parent={str(k): bool(v) for k, v in (raw.get("warn_below_parent") or {}).items()},
    )


@cache
def cascade_rules() -> CascadeRules:
    """The rules of `data/cascade.yaml`, read once per process."""
    return _read(DATA)
