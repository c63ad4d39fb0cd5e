"""The result of an evaluation, and its JSON form (see schemas/result.schema.json)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, is_dataclass
from fractions import Fraction
from typing import Any, Literal

CheckStatus = Literal["passed", "failed", "not_applicable", "missing"]
CriterionStatus = Literal["passed", "failed", "incomplete"]
IncidentStatus = Literal["counted", "excused", "outside_window", "not_applicable"]


@dataclass
class CheckResult:
    address: str
    key: str
    label_vi: str
    status: CheckStatus
    reason: str


@dataclass
class IncidentResult:
    index: int
    type: str
    label_vi: str
    date: dt.date
    status: IncidentStatus
    criteria: list[str]
    reason: str
    id: str = ""


@dataclass
class CriterionResult:
    id: str
    text_vi: str
    status: CriterionStatus
    passed: bool
    reasons: list[str]
    checks: list[CheckResult]
    incidents: list[int]


@dataclass
class TT124Result:
    framework: str
    version: str
    verified: bool
    window: dict[str, dt.date]
    recognized: bool
    status: Literal["recognized", "not_recognized", "incomplete", "excluded"]
    summary_vi: str
    criteria: list[CriterionResult]


@dataclass
class ItemResult:
    id: str
    label_vi: str
    max_points: int
    self: Fraction | None
    superior: Fraction | None
    notes: list[str] = field(default_factory=list)
    sub_items: list[ItemResult] = field(default_factory=list)

    def column(self, name: str) -> Fraction | None:
        return self.self if name == "self" else self.superior


@dataclass
class ClassificationResult:
    level: str
    label_vi: str
    based_on: str
    total: Fraction
    provisional: bool
    reason: str


@dataclass
class QD510Result:
    framework: str
    sheet: str
    version: str
    verified: bool
    title_vi: str
    items: list[ItemResult]
    totals: dict[str, Fraction | int | None]
    classification: ClassificationResult | None
    notes: list[str]


@dataclass
class AwardResult:
    eligible: bool | None
    provisional: bool
    reason: str


@dataclass
class Result:
    unit: dict[str, Any]
    year: int
    tt124: TT124Result
    incidents: list[IncidentResult]
    qd510: QD510Result | None
    award: AwardResult
    notes: list[str]

    @property
    def recognized(self) -> bool:
        return self.tt124.recognized

    def to_dict(self) -> dict[str, Any]:
        body = _plain(self)
        assert isinstance(body, dict)  # noqa: S101 - a dataclass always becomes a dict
        return {
            "schema_version": 1,
            "recognized": self.tt124.recognized,
            "classification": self.qd510.classification.level
            if self.qd510 and self.qd510.classification
            else None,
            "award_eligible": self.award.eligible,
            **body,
        }


def number(value: Fraction | int) -> int | float:
    frac = Fraction(value)
    return int(frac) if frac.denominator == 1 else float(frac)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Fraction):
        return number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
