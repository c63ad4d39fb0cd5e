"""Dataclasses for one framework version: TT 124 criteria sets and QĐ 510 score sheets.

They are built by `frameworks.load_framework`, which validates the data first; code that receives
them can rely on every reference resolving.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

CheckType = Literal["bool", "count", "ratio", "rating", "set", "trend"]
Op = Literal["==", ">=", "<=", ">", "<"]
OPS: tuple[str, ...] = ("==", ">=", "<=", ">", "<")
CHECK_TYPES: tuple[str, ...] = ("bool", "count", "ratio", "rating", "set", "trend")


def compare(left: Fraction | int, op: str, right: Fraction | int) -> bool:
    if op == "==":
        return left == right
    if op == ">=":
        return left >= right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left < right


@dataclass(frozen=True)
class Check:
    key: str
    type: CheckType
    label_vi: str
    op: str = "=="
    value: Fraction | int | None = None
    scale: str | None = None
    min_level: str | None = None
    also_accept: tuple[str, ...] = ()
    must_include: tuple[str, ...] = ()
    when: tuple[str, ...] = ()
    interpretation: str | None = None


@dataclass(frozen=True)
class SubItem:
    id: str
    text_vi: str = ""
    incidents: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Criterion:
    id: str
    text_vi: str
    checks: tuple[Check, ...] = ()
    sub_items: tuple[SubItem, ...] = ()

    def sub_item_id(self, sub: SubItem) -> str:
        return f"{self.id}.{sub.id}"

    @property
    def all_checks(self) -> tuple[Check, ...]:
        return self.checks + tuple(c for s in self.sub_items for c in s.checks)


@dataclass(frozen=True)
class CriteriaSet:
    name: str
    article: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Window:
    name: str
    label_vi: str
    start: str  # "MM-DD" in the year `start_year_offset` from the evaluated year
    end: str  # "MM-DD" in the evaluated year
    article: str = ""
    start_year_offset: int = -1  # YAML `from_year_offset`: -1 (previous year) or 0 (same year)

    def for_year(self, year: int) -> tuple[dt.date, dt.date]:
        sm, sd = (int(x) for x in self.start.split("-"))
        em, ed = (int(x) for x in self.end.split("-"))
        return dt.date(year + self.start_year_offset, sm, sd), dt.date(year, em, ed)

    def end_for_year(self, year: int) -> dt.date:
        return self.for_year(year)[1]


@dataclass(frozen=True)
class UnitType:
    name: str
    code: str
    label_vi: str
    criteria_set: str
    window: str


@dataclass(frozen=True)
class IncidentType:
    code: str
    label_vi: str
    excused_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class RatingScale:
    name: str
    label_vi: str
    levels: tuple[str, ...]  # lowest first
    labels_vi: dict[str, str] = field(default_factory=dict)
    extra_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exclusion:
    code: str
    label_vi: str
    applies_to: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    document: str
    verification: str = ""
    articles: str = ""


@dataclass(frozen=True)
class TT124Framework:
    framework: str
    version: str
    title_vi: str
    verified: bool
    source: Source
    effective_from: dt.date
    windows: dict[str, Window]
    unit_types: dict[str, UnitType]
    exclusions: dict[str, Exclusion]
    unit_attributes: dict[str, str]
    rating_scales: dict[str, RatingScale]
    excuse_flags: dict[str, str]
    incident_types: dict[str, IncidentType]
    criteria_sets: dict[str, CriteriaSet]

    def criteria_for(self, unit_type: str) -> CriteriaSet:
        return self.criteria_sets[self.unit_types[unit_type].criteria_set]

    def window_for(self, unit_type: str) -> Window:
        return self.windows[self.unit_types[unit_type].window]

    def window_end(self, unit_type: str | None, year: int) -> dt.date:
        """The last day of the unit type's evaluation window for `year` (31/12 for an unknown type)."""
        if unit_type is None or unit_type not in self.unit_types:
            return dt.date(year, 12, 31)
        return self.window_for(unit_type).end_for_year(year)

    def incident_index(self, unit_type: str) -> dict[str, list[str]]:
        """Incident type -> ids of the criteria (or sub-items) it fails for this unit type."""
        index: dict[str, list[str]] = {}
        for criterion in self.criteria_for(unit_type).criteria:
            for sub in criterion.sub_items:
                for code in sub.incidents:
                    index.setdefault(code, []).append(criterion.sub_item_id(sub))
        return index


@dataclass(frozen=True)
class SheetSubItem:
    id: str
    label_vi: str
    max_points: int
    linked_incidents: tuple[str, ...] = ()
    derived_from: str | None = None


@dataclass(frozen=True)
class Bonus:
    per_collective_award: int
    per_individual_award: int
    cap: int


@dataclass(frozen=True)
class SheetItem:
    id: str
    label_vi: str
    max_points: int
    sub_items: tuple[SheetSubItem, ...] = ()
    linked_incidents: tuple[str, ...] = ()
    derived_from: str | None = None
    bonus: Bonus | None = None

    def sub_item_id(self, sub: SheetSubItem) -> str:
        return f"{self.id}.{sub.id}"


@dataclass(frozen=True)
class Level:
    code: str
    label_vi: str
    min_points: int


@dataclass(frozen=True)
class Classification:
    based_on: str
    verified: bool
    illustrative: bool
    note_vi: str
    levels: tuple[Level, ...]  # highest first

    def level_for(self, total: Fraction) -> Level:
        for level in self.levels:
            if total >= level.min_points:
                return level
        return self.levels[-1]

    def rank(self, code: str) -> int:
        """0 for the highest level."""
        return [lv.code for lv in self.levels].index(code)


@dataclass(frozen=True)
class AwardRule:
    requires_recognized: bool
    min_level: str
    verified: bool
    source_vi: str


@dataclass(frozen=True)
class ScoreSheet:
    framework: str
    sheet: str
    version: str
    title_vi: str
    verified: bool
    source: Source
    effective_from: dt.date
    applies_to: tuple[str, ...]
    total_max: int
    columns: dict[str, str]
    items: tuple[SheetItem, ...]
    classification: Classification | None
    award_rule: AwardRule | None

    def leaf_ids(self) -> dict[str, int]:
        """Scorable ids (items without sub-items, and sub-items) with their maximum."""
        leaves: dict[str, int] = {}
        for item in self.items:
            if item.sub_items:
                for sub in item.sub_items:
                    leaves[item.sub_item_id(sub)] = sub.max_points
            else:
                leaves[item.id] = item.max_points
        return leaves


Framework = TT124Framework | ScoreSheet
