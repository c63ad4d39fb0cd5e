"""The rating rules of HD 01/HD-BCA-V05 as data (`data/rating_rules.yaml`) and the arithmetic on them.

Nothing here reads the database: the services and the screens ask these functions for the levels,
the quota of "xuất sắc", the months a team or member has been active and the evaluation period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from math import floor
from pathlib import Path
from typing import Any

import yaml

RULES_FILE = Path(__file__).with_name("data") / "rating_rules.yaml"


@dataclass(frozen=True)
class Level:
    code: str
    rank: int
    label: str


@dataclass(frozen=True)
class Rules:
    source: dict[str, str]
    levels: tuple[Level, ...]
    titles: tuple[Level, ...]
    quota_level: str
    quota_of_level: str
    quota_share: Fraction
    quota_rounding: str
    min_months_active: int
    period: dict[str, dict[str, int]]
    leader_positions: frozenset[str]
    kdc5_min_level: str
    guard_force_good_min_rank: int

    # --- levels -------------------------------------------------------------------------------
    def level_choices(self) -> list[tuple[str, str]]:
        return [(lv.code, lv.label) for lv in self.levels]

    def result_choices(self) -> list[tuple[str, str]]:
        """What a guard force may be given: the four levels, then the emulation titles."""
        return [(lv.code, lv.label) for lv in (*self.levels, *self.titles)]

    def _all(self) -> dict[str, Level]:
        return {lv.code: lv for lv in (*self.levels, *self.titles)}

    def label(self, code: str) -> str:
        found = self._all().get(code)
        return found.label if found else code

    def rank(self, code: str) -> int:
        found = self._all().get(code)
        return found.rank if found else 0

    def good_results(self) -> list[str]:
        """Guard-force results worth "hoàn thành tốt nhiệm vụ" or better (QĐ 510 item 6b)."""
        return [c for c, lv in self._all().items() if lv.rank >= self.guard_force_good_min_rank]

    def kdc5_levels(self) -> list[str]:
        """Team levels at least "hoàn thành nhiệm vụ" (TT 124 KDC.5)."""
        least = self.rank(self.kdc5_min_level)
        return [lv.code for lv in self.levels if lv.rank >= least]

    # --- quota --------------------------------------------------------------------------------
    def excellent_allowed(self, good: int) -> int:
        """The most "xuất sắc" allowed beside `good` rated "tốt" (exact fractions, then rounded)."""
        exact = self.quota_share * good
        return floor(exact) if self.quota_rounding == "floor" else round(exact)

    # --- time ---------------------------------------------------------------------------------
    def evaluation_period(self, year: int) -> tuple[dt.date, dt.date]:
        start, end = self.period["start"], self.period["end"]
        return (
            dt.date(year + start["year_offset"], start["month"], start["day"]),
            dt.date(year + end["year_offset"], end["month"], end["day"]),
        )


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (01/03 → 14/11 is 8; 01/03 → 01/12 is 9); 0 if reversed."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def _levels(raw: list[dict[str, Any]]) -> tuple[Level, ...]:
    return tuple(Level(str(r["code"]), int(r["rank"]), str(r["label"])) for r in raw)


@cache
def rules() -> Rules:
    """The rules file, read once per process."""
    raw: dict[str, Any] = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    quota = raw["quota"]
    return Rules(
        source={k: str(v) for k, v in raw["source"].items()},
        levels=_levels(raw["levels"]),
        titles=_levels(raw.get("guard_force_titles") or []),
        quota_level=str(quota["level"]),
        quota_of_level=str(quota["of_level"]),
        # From the decimal text, so 0.20 is exactly 1/5 (no binary float in the comparison).
        quota_share=Fraction(str(quota["share"])),
        quota_rounding=str(quota.get("rounding", "floor")),
        min_months_active=int(raw["min_months_active"]),
        period=raw["evaluation_period"],
        leader_positions=frozenset(raw["leader_rule"]["positions"]),
        kdc5_min_level=str(raw["kdc5_min_level"]),
        guard_force_good_min_rank=int(raw["guard_force_good_min_rank"]),
    )


def level_choices() -> list[tuple[str, str]]:
    """Callable choices for model fields (read from the data file, not frozen in migrations)."""
    return rules().level_choices()


def result_choices() -> list[tuple[str, str]]:
    return rules().result_choices()
